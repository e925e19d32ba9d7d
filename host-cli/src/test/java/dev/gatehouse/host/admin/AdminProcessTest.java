package dev.gatehouse.host.admin;

import static dev.gatehouse.host.admin.RawHttp.exchange;
import static dev.gatehouse.host.admin.RawHttp.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.admin.RawHttp.Reply;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API of {@code gatehouse run} in its own JVM, with no token, as a web page or a stuck client meets it. */
class AdminProcessTest {

    @TempDir
    Path dir;

    @Test
    void aPageCannotActOnTheHostAndStalledClientsDoNotSilenceLivez() throws Exception {
        try (LoopbackServer server = new LoopbackServer()) {
            Path plugins = Files.createDirectories(dir.resolve("plugins"));
            Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
            Path config = Files.writeString(dir.resolve("gatehouse.yaml"),
                    "admin:\n  listen: 127.0.0.1:0\nworkspaces:\n  acme:\n    loopback:\n      port: " + server.port() + "\n");
            Path out = dir.resolve("out.log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "dev.gatehouse.host.cli.Main", "run", "--config", config.toString()))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            List<RawHttp> stalled = new ArrayList<>();
            try {
                Pattern listening = Pattern.compile("admin API listening on http://127\\.0\\.0\\.1:(\\d+)/");
                await().atMost(Duration.ofSeconds(30)).until(() -> listening.matcher(Files.readString(out)).find());
                Matcher m = listening.matcher(Files.readString(out));
                assertThat(m.find()).isTrue();
                int port = Integer.parseInt(m.group(1));
                String self = "Host: 127.0.0.1:" + port;
                LoopbackServer.Conn acme = server.await("acme", 1, Duration.ofSeconds(60));

                Reply fromPage = exchange(port, request("POST", "/connections/acme/loopback/disable", self,
                        "Origin: https://evil.example", "Content-Length: 0"));
                assertThat(fromPage.status()).isEqualTo(403);
                Reply rebound = exchange(port, request("GET", "/status", "Host: rebind.evil.example:" + port));
                assertThat(rebound.status()).isEqualTo(421);
                assertThat(acme.closed).as("the page disabled nothing").isFalse();

                for (int i = 0; i < 2; i++) {
                    stalled.add(new RawHttp(port, Duration.ofSeconds(10)).send("GET /status HTTP/1.1\r\n" + self + "\r\n"));
                }
                long t0 = System.nanoTime();
                try (RawHttp c = new RawHttp(port, Duration.ofSeconds(3))) {
                    assertThat(c.send(request("GET", "/livez", self)).read().status()).isEqualTo(200);
                }
                assertThat((System.nanoTime() - t0) / 1_000_000).as("/livez answered within (ms)").isLessThan(3_000);
            } finally {
                for (RawHttp c : stalled) {
                    c.close();
                }
                p.destroy();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }
}
