package dev.gatehouse.host.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import java.io.File;
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
        return launch(yaml, java.util.Map.of());
    }

    private Process launch(String yaml, java.util.Map<String, String> env) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), yaml);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.gatehouse.host.cli.Main", "run", "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().putAll(env);
        return pb.start();
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
    void underSystemdItNotifiesReadyPetsTheWatchdogAndSaysWhenItStops() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("notify.log");
        Path fake = Files.writeString(bin.resolve("systemd-notify"),
                "#!/bin/sh\necho \"$NOTIFY_SOCKET $*\" >> " + calls + "\n");
        fake.toFile().setExecutable(true);
        try (LoopbackServer server = new LoopbackServer()) {
            Process p = launch("admin:\n  enabled: false\nworkspaces:\n  acme:\n    loopback:\n      port: " + server.port() + "\n",
                    java.util.Map.of("NOTIFY_SOCKET", "/run/test.sock", "WATCHDOG_USEC", "1000000",
                            "PATH", bin + File.pathSeparator + System.getenv("PATH")));
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(calls)
                        && Files.readString(calls).contains("READY=1") && Files.readString(calls).split("WATCHDOG=1").length > 2);
                p.destroy();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).isZero();
                String log = Files.readString(calls);
                assertThat(log).contains("/run/test.sock --pid=").contains("READY=1 STATUS=all connections connected")
                        .contains("STOPPING=1");
                assertThat(log.indexOf("READY=1")).isLessThan(log.indexOf("STOPPING=1"));
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
