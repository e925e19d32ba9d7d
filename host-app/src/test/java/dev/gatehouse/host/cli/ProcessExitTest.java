package dev.gatehouse.host.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command in its own JVM: how it ends, and with which exit code. */
class ProcessExitTest {

    @TempDir
    Path dir;

    private Process launch(String yaml) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), yaml);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.gatehouse.host.cli.Main", "run", "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
    }

    @Test
    void sigtermClosesEveryConnectionAndExitsZero() throws Exception {
        try (LoopbackServer server = new LoopbackServer()) {
            Process p = launch("admin:\n  enabled: false\nworkspaces:\n  acme:\n    loopback:\n      port: " + server.port() + "\n");
            try {
                LoopbackServer.Conn c = server.await("acme", 1);
                p.destroy(); // SIGTERM
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(Files.readString(dir.resolve("out.log"))).isEqualTo(ExitCodes.OK);
                await().atMost(Duration.ofSeconds(5)).until(() -> c.closed);
                assertThat(Files.readString(dir.resolve("out.log"))).contains("gatehouse host stopped");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void exhaustedReconnectAttemptsExitWithTheDistinctCode() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        // The network answers (the probe reaches a live server) but the gateway's own endpoint refuses.
        LoopbackServer reachable = new LoopbackServer();
        Process p = launch("""
                admin:
                  enabled: false
                health:
                  maxReconnectAttempts: 3
                  backoffBase: 100ms
                  backoffCap: 200ms
                  openTimeout: 2s
                workspaces:
                  acme:
                    loopback:
                      port: %d
                      probeUrl: http://127.0.0.1:%d/
                """.formatted(closedPort, reachable.port()));
        try (reachable) {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(dir.resolve("out.log"));
            assertThat(p.exitValue()).as(log).isEqualTo(ExitCodes.RECONNECTS_EXHAUSTED);
            assertThat(log).contains("giving up after 3 consecutive failed attempts");
        } finally {
            p.destroyForcibly();
        }
    }

}
