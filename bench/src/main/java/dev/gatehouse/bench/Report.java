package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Collects the benchmark's tables: printed as text, written as one JSON file per run. */
final class Report {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root = MAPPER.createObjectNode();
    private final ObjectNode sections = MAPPER.createObjectNode();
    private final List<String> text = new ArrayList<>();
    private final PrintStream out;
    private final long startedNanos = System.nanoTime();

    private final Path jsonFile;
    private final Path logFile;

    /** A report whose files are {@code bench-<timestamp>.json} and {@code .log} in {@code dir}. */
    Report(PrintStream out, ObjectNode parameters, Path dir) {
        this.out = out;
        String stamp = Instant.now().toString().replace(':', '-').replaceAll("\\.\\d+Z$", "Z");
        this.jsonFile = dir.resolve("bench-" + stamp + ".json");
        this.logFile = dir.resolve("bench-" + stamp + ".log");
        root.put("startedAt", Instant.now().toString());
        Machine.describe(root.putObject("machine"));
        root.set("parameters", parameters);
        root.set("sections", sections);
        say("Gatehouse benchmark — " + Machine.summary());
    }

    /** A table: header row, then rows; also stored under {@code name} in the JSON. */
    void table(String name, String title, List<String> header, List<List<String>> rows, ArrayNode json) {
        sections.set(name, json);
        StringBuilder b = new StringBuilder("\n== ").append(title).append(" ==\n");
        int[] w = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        appendRow(b, header, w);
        for (List<String> r : rows) {
            appendRow(b, r, w);
        }
        say(b.toString());
    }

    void note(String name, String line) {
        ((ArrayNode) (root.has("notes") ? root.get("notes") : root.putArray("notes"))).add(name + ": " + line);
        say("  " + line);
    }

    private static void appendRow(StringBuilder b, List<String> cells, int[] w) {
        for (int i = 0; i < cells.size(); i++) {
            b.append(String.format("%-" + (w[i] + 2) + "s", cells.get(i)));
        }
        b.append('\n');
    }

    /** A progress line on stderr with the run's elapsed time; not part of the tables or the JSON. */
    void progress(String line) {
        System.err.printf("[%5.0f s] %s%n", (System.nanoTime() - startedNanos) / 1e9, line);
        System.err.flush();
    }

    void say(String line) {
        text.add(line);
        out.println(line);
        out.flush();
    }

    ObjectNode section(String name) {
        return sections.has(name) ? (ObjectNode) sections.get(name) : sections.putObject(name);
    }

    /** Where everything the host and libraries log goes during the run. */
    Path logFile() {
        return logFile;
    }

    Path write() throws IOException {
        root.put("finishedAt", Instant.now().toString());
        Files.createDirectories(jsonFile.getParent());
        MAPPER.writeValue(jsonFile.toFile(), root);
        return jsonFile;
    }
}
