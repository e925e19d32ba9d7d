package dev.gatehouse.host.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.testing.GatehouseProcess;
import dev.gatehouse.host.testing.LoopbackServer;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The liveness contract as systemd and an operator meet it: {@code WATCHDOG=1} and {@code /livez} say the
 * process makes progress, so one workspace retrying never gets the whole host killed, while the heartbeat
 * file is still withheld for it (single-bot setups watch that file).
 */
class LivenessProcessTest {

    @TempDir
    Path dir;

    @Test
    void oneWorkspaceBackingOffKeepsTheProcessLiveAndTheSystemdWatchdogPettedWhileTheFileIsWithheld() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path notifyLog = dir.resolve("notify.log");
        Path fakeNotify = Files.writeString(bin.resolve("systemd-notify"), "#!/bin/sh\necho \"$@\" >> '" + notifyLog + "'\n");
        Files.setPosixFilePermissions(fakeNotify, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "NOTIFY_SOCKET", "/run/fake-notify",
                "WATCHDOG_USEC", "1000000");
        // beta's platform answers probes (the network is up), so beta counts as stale and withholds the file.
        HttpServer probe = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        probe.createContext("/", ex -> {
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        probe.start();
        try (LoopbackServer server = new LoopbackServer();
                GatehouseProcess host = GatehouseProcess.run(dir, """
                        admin:
                          listen: 127.0.0.1:0
                        heartbeat:
                          file: run/alive
                          interval: 200ms
                        health:
                          checkInterval: 200ms
                          fastCheckInterval: 200ms
                          staleAfter: 500ms
                          backoffBase: 1s
                          backoffCap: 2s
                          maxReconnectAttempts: 1000
                        workspaces:
                          acme:
                            loopback:
                              port: %d
                          beta:
                            loopback:
                              port: 1
                              probeUrl: http://127.0.0.1:%d/probe
                        """.formatted(server.port(), probe.getAddress().getPort()), env)) {
            int port = host.adminPort();
            server.await("acme", 1, Duration.ofSeconds(60));
            HttpClient http = HttpClient.newHttpClient();
            await("beta backing off").atMost(Duration.ofSeconds(60))
                    .until(() -> get(http, port, "/status").body().contains("BACKING_OFF"));
            long petsBefore = pets(notifyLog);

            await("systemd's watchdog petted on, though beta keeps failing").atMost(Duration.ofSeconds(30))
                    .until(() -> pets(notifyLog) >= petsBefore + 5);

            HttpResponse<String> livez = get(http, port, "/livez");
            assertThat(livez.statusCode()).as(livez.body()).isEqualTo(200);
            assertThat(livez.body()).contains("\"live\":true").contains("beta");
            assertThat(get(http, port, "/status").body()).contains("\"withheld\":true");
            assertThat(host.process().isAlive()).isTrue();
        } finally {
            probe.stop(0);
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long pets(Path notifyLog) throws Exception {
        return Files.exists(notifyLog) ? Files.readAllLines(notifyLog).stream().filter(l -> l.contains("WATCHDOG=1")).count() : 0;
    }
}
