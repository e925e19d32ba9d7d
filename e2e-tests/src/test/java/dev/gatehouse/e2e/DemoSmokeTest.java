package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command, as a newcomer runs it: the packaged jar, the real plugins, no tokens. */
class DemoSmokeTest {

    /**
     * Between injected faults. The demo's outages last up to 12 s, and a reconnect after the first fault
     * (an abrupt close: the Slack SDK's next 5 s monitor tick) can take several seconds more on a loaded
     * machine: 30 s leaves a window in which every connection is up before the second fault.
     */
    private static final String FAULT_EVERY = "30s";

    @TempDir
    Path dir;

    @Test
    void theDemoConnectsEverythingSurvivesAFaultAndExitsZeroOnSigterm() throws Exception {
        Path dist = Path.of(System.getProperty("gatehouse.dist"));
        Path out = dir.resolve("demo.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-jar", dist.resolve("gatehouse.jar").toString(), "demo", "--plain",
                "--admin-port", "0", "--fault-every", FAULT_EVERY, "--workdir", dir.resolve("work").toString()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            Pattern admin = Pattern.compile("admin API (http://127\\.0\\.0\\.1:\\d+)");
            await().atMost(Duration.ofSeconds(60)).until(() -> admin.matcher(Files.readString(out)).find());
            Matcher m = admin.matcher(Files.readString(out));
            assertThat(m.find()).isTrue();
            String url = m.group(1);
            await("every connection CONNECTED").atMost(Duration.ofSeconds(60)).until(() -> allConnected(url));
            long reconnectsBefore = reconnects(url);
            await("a fault was injected").atMost(Duration.ofSeconds(60))
                    .until(() -> Files.readString(out).contains("injecting fault on"));
            // The fault took effect and was healed (a reconnect counted), then everything is up again.
            await("a reconnect after the fault").atMost(Duration.ofSeconds(30)).until(() -> reconnects(url) > reconnectsBefore);
            await("connected again after the fault").atMost(Duration.ofSeconds(30)).until(() -> allConnected(url));
            JsonNode status = status(url);
            assertThat(status.get("connections")).hasSize(3);
            assertThat(status.get("plugins").findValuesAsText("state")).containsOnly("STARTED");
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(out)).isZero();
            assertThat(Files.readString(out)).contains("demo stopped");
        } finally {
            p.destroyForcibly();
        }
    }

    private static JsonNode status(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/status"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    /** Reconnects of every kind over all connections. */
    private static long reconnects(String url) throws Exception {
        long sum = 0;
        for (JsonNode c : status(url).get("connections")) {
            for (String kind : List.of("forcedReconnects", "libraryReconnects", "flapReconnects", "stormReconnects",
                    "manualReconnects")) {
                sum += c.path(kind).asLong();
            }
        }
        return sum;
    }

    private static boolean allConnected(String url) {
        try {
            JsonNode s = status(url);
            return s.get("connections").size() == 3
                    && s.get("connections").findValuesAsText("state").stream().allMatch("CONNECTED"::equals);
        } catch (Exception e) {
            return false;
        }
    }
}
