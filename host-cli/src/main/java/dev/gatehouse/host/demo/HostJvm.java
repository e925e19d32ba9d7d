package dev.gatehouse.host.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host in its own JVM ({@code gatehouse run --config FILE}), its output in a file next to its
 * configuration, its admin API found in that output. Used by the cluster demo and the cluster tests.
 */
public final class HostJvm implements AutoCloseable {

    private static final Pattern ADMIN = Pattern.compile("admin API listening on (http://127\\.0\\.0\\.1:\\d+)/");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String id;
    private final Path dir;
    private final List<String> launcher;
    private Process process;
    private Path out;
    private int starts;
    private volatile String adminUrl;

    /**
     * @param launcher the command up to the {@code gatehouse} arguments, e.g. {@code java -jar gatehouse.jar}
     *                 or {@code java -cp … dev.gatehouse.host.cli.Main}
     */
    public HostJvm(String id, Path dir, List<String> launcher) throws IOException {
        this.id = id;
        this.dir = Files.createDirectories(dir);
        this.launcher = List.copyOf(launcher);
    }

    /** The command that runs this JVM's {@code gatehouse.jar}, or this process's class path, with small-host JVM options. */
    public static List<String> launcherOf(Path jarOrNull) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (jarOrNull != null) {
            cmd.addAll(List.of("-jar", jarOrNull.toString()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.gatehouse.host.cli.Main"));
        }
        return cmd;
    }

    public String id() {
        return id;
    }

    /** Writes {@code config} as its configuration file and starts the JVM; returns once its admin API is listening. */
    public HostJvm start(String config, Duration bound) throws IOException, InterruptedException {
        launch(config);
        return awaitAdmin(bound);
    }

    /** Writes {@code config} as its configuration file and starts the JVM; returns at once (see {@link #awaitAdmin}). */
    public HostJvm launch(String config) throws IOException {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, config);
        out = dir.resolve("host-" + (++starts) + ".log");
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of("run", "--config", file.toString()));
        adminUrl = null;
        process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return this;
    }

    /** Waits until the launched JVM's admin API is listening; fails if it exits first or takes longer than {@code bound}. */
    public HostJvm awaitAdmin(Duration bound) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (adminUrl == null) {
            if (!process.isAlive()) {
                throw new IllegalStateException("host " + id + " exited with " + process.exitValue() + "; its output:\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("host " + id + " did not open its admin API within " + bound + "; output in " + out);
            }
            Matcher m = ADMIN.matcher(output());
            if (m.find()) {
                adminUrl = m.group(1);
            } else {
                Thread.sleep(100);
            }
        }
        return this;
    }

    /** SIGKILL: no shutdown hook runs; the kernel ends its sockets. */
    public void kill9() throws InterruptedException {
        adminUrl = null;
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM and waits up to {@code bound} for the exit (then SIGKILL); the exit code, or -1 if it had to be killed. */
    public int terminate(Duration bound) throws InterruptedException {
        adminUrl = null;
        if (process == null) {
            return -1;
        }
        process.destroy();
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /** {@code GET /status}, or null when the host does not answer. */
    public JsonNode status() {
        String body = get("/status");
        try {
            return body == null ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code GET /metrics} (Prometheus text), or "" when the host does not answer. */
    public String metrics() {
        String body = get("/metrics");
        return body == null ? "" : body;
    }

    /** The body of a 200 answer to {@code GET path}, or null when the host is not running or does not answer so. */
    private String get(String path) {
        String url = adminUrl;
        if (url == null) {
            return null;
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** {@code POST path} on the admin API: its status code and body. */
    public HttpResponse<String> post(String path) throws IOException, InterruptedException {
        String url = adminUrl;
        if (url == null) {
            throw new IOException("host " + id + " is not running");
        }
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Connection ({@code platform/workspace}) → the ids of those hosts that report it CONNECTED now (sorted by connection). */
    public static Map<String, List<String>> connectedOn(Collection<HostJvm> hosts) {
        Map<String, List<String>> on = new TreeMap<>();
        for (HostJvm h : hosts) {
            JsonNode s = h.alive() ? h.status() : null;
            if (s == null) {
                continue;
            }
            for (JsonNode c : s.path("connections")) {
                if ("CONNECTED".equals(c.path("state").asText())) {
                    on.computeIfAbsent(c.path("platform").asText() + "/" + c.path("workspace").asText(), k -> new ArrayList<>())
                            .add(h.id);
                }
            }
        }
        return on;
    }

    /**
     * Connection → its one host, when each of {@code connections} connections is CONNECTED on exactly one of these
     * hosts; empty otherwise (one down, moving, or on two hosts).
     */
    public static Map<String, String> soleOwners(Collection<HostJvm> hosts, int connections) {
        Map<String, List<String>> connected = connectedOn(hosts);
        Map<String, String> owners = new TreeMap<>();
        connected.forEach((c, on) -> {
            if (on.size() == 1) {
                owners.put(c, on.get(0));
            }
        });
        return owners.size() == connections && connected.size() == connections ? owners : Map.of();
    }

    public String adminUrl() {
        return adminUrl;
    }

    /** What the JVM printed in its latest start. */
    public String output() {
        try {
            return out == null || !Files.exists(out) ? "" : Files.readString(out);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            kill9();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
