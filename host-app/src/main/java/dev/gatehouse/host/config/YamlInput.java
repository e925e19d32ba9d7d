package dev.gatehouse.host.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Turns the configuration file into a tree within limits: a size limit checked before parsing, a
 * nesting limit, one document, and no anchors or aliases.
 *
 * <p>Why aliases are refused rather than limited: Jackson's streaming YAML parser does not expand an
 * alias, it reports {@code *name} as the string {@code "name"} ({@link YAMLParser#isCurrentAlias()}), so
 * SnakeYAML's {@code LoaderOptions.maxAliasesForCollections}, which only its composer applies, would
 * not be consulted; an alias would silently stand for its anchor's name. A parser that does expand them
 * is open to "billion laughs". Refusing both keeps every value written out where it applies.
 */
final class YamlInput {

    /** Each alias in a "billion laughs" file is a problem of its own: report a few, then count. */
    private static final int MAX_REPORTED = 5;

    private final ObjectMapper mapper = new ObjectMapper(YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(ConfigLimits.MAX_NESTING).build())
            .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Reads at most one byte more than the size limit: enough to tell a file is too large, whatever its size. */
    static byte[] readLimited(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(ConfigLimits.MAX_FILE_BYTES + 1);
        }
    }

    /** The file's text, or a problem: too large, or not UTF-8. */
    static String text(Path file, byte[] bytes, List<String> problems) {
        if (bytes.length > ConfigLimits.MAX_FILE_BYTES) {
            problems.add(tooLarge(sizeOf(file, bytes.length)));
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            problems.add("(file): is not UTF-8 text; save it as UTF-8");
            return null;
        }
    }

    /** The size to report: a device or a pipe (--config /dev/zero) has no size of its own. */
    private static String sizeOf(Path file, int read) {
        try {
            long size = Files.size(file);
            if (size >= read) {
                return size + " bytes";
            }
        } catch (IOException e) {
            // reported as below
        }
        return "more than " + (read - 1) + " bytes";
    }

    private static String tooLarge(String size) {
        return "(file): the file is larger than " + ConfigLimits.MAX_FILE_BYTES + " bytes (1 MiB), the limit for a configuration"
                + " file (found " + size + "); check that --config names the YAML configuration, and keep large data out of it";
    }

    /** The document's tree, or {@code null} with the reasons added to {@code problems}. */
    JsonNode parse(String yaml, List<String> problems) {
        // Each char is at least one byte in UTF-8: count bytes only for text that may still fit.
        long bytes = yaml.length() > ConfigLimits.MAX_FILE_BYTES ? yaml.length() : yaml.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > ConfigLimits.MAX_FILE_BYTES) {
            problems.add(tooLarge((bytes == yaml.length() ? "at least " : "") + bytes + " bytes"));
            return null;
        }
        try {
            List<String> found = structure(yaml);
            if (!found.isEmpty()) {
                problems.addAll(found);
                return null;
            }
            return mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            problems.add("not valid YAML" + where + ": " + e.getOriginalMessage());
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("reading YAML from a string cannot fail with I/O", e);
        }
    }

    /** Walks the tokens once for what the tree would hide: anchors, aliases, a second document. */
    private List<String> structure(String yaml) throws IOException {
        List<String> found = new ArrayList<>();
        int anchorsAndAliases = 0;
        try (YAMLParser p = (YAMLParser) mapper.createParser(yaml)) {
            int depth = 0;
            boolean rootDone = false;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (rootDone) {
                    found.add("(root): the file holds more than one YAML document (a second '---'); keep only one");
                    break;
                }
                // A collection's anchor is reported at its start token; Jackson keeps it visible on the first key
                // too, which must not count twice. Anchors on plain values are not reported, their aliases are.
                boolean anchored = (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && p.getCurrentAnchor() != null;
                if (anchored || p.isCurrentAlias()) {
                    if (++anchorsAndAliases <= MAX_REPORTED) {
                        found.add(path(p.getParsingContext()) + " (line " + p.currentTokenLocation().getLineNr() + ", column "
                                + p.currentTokenLocation().getColumnNr() + "): YAML anchors and aliases are not allowed ("
                                + (anchored ? "&" + p.getCurrentAnchor() : "*" + p.getText())
                                + "); write each value out in full where it applies");
                    }
                }
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
                rootDone = depth == 0;
            }
        }
        if (anchorsAndAliases > MAX_REPORTED) {
            found.add("(root): " + (anchorsAndAliases - MAX_REPORTED) + " more anchors or aliases; aliases are not allowed");
        }
        return found;
    }

    /** The key path of a parser position, e.g. {@code workspaces.acme.slack} or {@code x.list[2]}. */
    private static String path(JsonStreamContext ctx) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            }
        }
        String path = String.join("", parts);
        return path.isEmpty() ? "(root)" : path.startsWith(".") ? path.substring(1) : path;
    }
}
