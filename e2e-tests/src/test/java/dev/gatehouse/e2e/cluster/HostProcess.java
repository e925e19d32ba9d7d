package dev.gatehouse.e2e.cluster;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.sim.SimThreads;
import dev.gatehouse.sim.net.TcpProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One host of a test cluster: {@code java -jar dist/gatehouse.jar run} in its own JVM, its ZooKeeper
 * traffic through a proxy the test can black-hole, its output in a file.
 */
final class HostProcess implements AutoCloseable {

    private static final Pattern ADMIN = Pattern.compile("admin API listening on (http://127\\.0\\.0\\.1:\\d+)/");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String id;
    final TcpProxy zookeeperLink;
    private final Path dir;
    private final Path jar;
    private Process process;
    private Path out;
    private int starts;
    private volatile String adminUrl;

    HostProcess(String id, Path dir, Path jar, int zookeeperPort) throws IOException {
        this.id = id;
        this.dir = Files.createDirectories(dir);
        this.jar = jar;
        this.zookeeperLink = new TcpProxy(zookeeperPort, new SimThreads("zk-link-" + id + "-"));
    }

    /** Writes the configuration and starts the JVM; returns once its admin API answers. */
    HostProcess start(String config) throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, config);
        out = dir.resolve("host-" + (++starts) + ".out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                jar.toString(), "run", "--config", file.toString()))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        adminUrl = null;
        await(id + "'s admin API").atMost(Duration.ofSeconds(60)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError(id + " exited with " + process.exitValue() + ":\n" + output());
            }
            Matcher m = ADMIN.matcher(output());
            if (m.find()) {
                adminUrl = m.group(1);
            }
            return adminUrl != null;
        });
        return this;
    }

    /** SIGKILL: no shutdown hook, no close of anything; the kernel ends the sockets. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        adminUrl = null;
    }

    /** SIGTERM, and waits for the exit; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(id + " did not exit within 60 s of SIGTERM");
        }
        adminUrl = null;
        return process.exitValue();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** {@code GET /status}, or null when the host does not answer. */
    JsonNode status() {
        String url = adminUrl;
        if (url == null) {
            return null;
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/status")).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** {@code POST path} on the admin API: the status code and body. */
    HttpResponse<String> post(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(adminUrl + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    String adminUrl() {
        return adminUrl;
    }

    String output() {
        try {
            return out == null || !Files.exists(out) ? "" : Files.readString(out);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        zookeeperLink.close();
    }
}
