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
import java.util.ArrayList;
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
        return launch(List.of(), "run", yaml, env);
    }

    /** Starts {@code gatehouse COMMAND --config FILE} in its own JVM; stdout and stderr both go to out.log. */
    private Process launch(List<String> jvmOptions, String command, String yaml, java.util.Map<String, String> env)
            throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        if (!Files.exists(plugins.resolve("loopback.jar"))) {
            Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        }
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), yaml);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.gatehouse.host.cli.Main", command,
                "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs a command to its end (at most 60 s) and returns its exit code; the output is in {@link #output()}. */
    private int exitCodeOf(List<String> jvmOptions, String command, String yaml) throws Exception {
        Process p = launch(jvmOptions, command, yaml, java.util.Map.of());
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("gatehouse %s ended; output so far:%n%s", command, output())
                    .isTrue();
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    private String output() throws java.io.IOException {
        return Files.readString(dir.resolve("out.log"));
    }

    @Test
    void sigtermClosesEveryConnectionAndExitsZero() throws Exception {
        try (LoopbackServer server = new LoopbackServer()) {
            Process p = launch("admin:\n  enabled: false\nworkspaces:\n  acme:\n    loopback:\n      port: " + server.port() + "\n");
            try {
                LoopbackServer.Conn c = server.await("acme", 1, Duration.ofSeconds(60));
                p.destroy(); // SIGTERM
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(Files.readString(dir.resolve("out.log"))).isEqualTo(ExitCodes.OK);
                await().atMost(Duration.ofSeconds(15)).until(() -> c.closed);
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

    // heartbeat.interval: 0s used to pass validate; run then rescheduled the heartbeat with no delay (a busy loop)
    // and /livez stayed 503 because "progress within 3 intervals" can never hold for a zero interval.
    @Test
    void aZeroHeartbeatIntervalIsRefusedByValidateAndRunWithTheRange() throws Exception {
        String yaml = "admin:\n  enabled: false\nheartbeat:\n  interval: 0s\nworkspaces: {}\n";
        for (String command : List.of("validate", "run")) {
            assertThat(exitCodeOf(List.of(), command, yaml)).as(command + ": " + output()).isEqualTo(ExitCodes.CONFIG_INVALID);
            assertThat(output()).as(command).contains("heartbeat.interval: 0s is out of range 100ms to 30d");
        }
    }

    // health.checkInterval: 200000d used to pass validate; run then exited 70 with a raw ArithmeticException
    // (Duration.toNanos overflows past ~292 years) and an NPE from the shutdown hook.
    @Test
    void aCheckIntervalBeyondThirtyDaysIsRefusedByValidateAndRunWithoutAStackTrace() throws Exception {
        String yaml = "admin:\n  enabled: false\nhealth:\n  checkInterval: 200000d\nworkspaces:\n  acme:\n"
                + "    loopback:\n      port: 4000\n";
        for (String command : List.of("validate", "run")) {
            assertThat(exitCodeOf(List.of(), command, yaml)).as(command + ": " + output()).isEqualTo(ExitCodes.CONFIG_INVALID);
            assertThat(output()).as(command).contains("health.checkInterval: 200000d is out of range 100ms to 30d")
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void anAdminApiReachableFromOtherMachinesWithoutATokenIsAConfigurationError() throws Exception {
        // validate binds nothing, so the operator's real case (all interfaces) is safe to check here.
        String open = "admin:\n  listen: 0.0.0.0:8686\nworkspaces: {}\n";
        assertThat(exitCodeOf(List.of(), "validate", open)).as(output()).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(output()).contains("admin.listen: 0.0.0.0:8686 is reachable from other machines and admin.token is not set")
                .contains("set admin.token").contains("bind 127.0.0.1");
        // run would listen if it accepted the file: a documentation address (TEST-NET-1) that no interface here has,
        // so even an unfixed host never listens beyond loopback in this test.
        String foreign = "admin:\n  listen: 192.0.2.1:0\nworkspaces: {}\n";
        assertThat(exitCodeOf(List.of(), "run", foreign)).as(output()).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(output()).contains("admin.listen: 192.0.2.1:0 is reachable from other machines");
    }

    // A start that fails for a reason outside the configuration (here PF4J refuses an unknown pf4j.mode, as it
    // would from JAVA_OPTS) used to print picocli's stack trace and then an NPE from the shutdown hook, which
    // closed a host whose parts were never created.
    @Test
    void aFailedStartExitsSeventyWithOneReadableLineAndNoShutdownHookError() throws Exception {
        String yaml = "admin:\n  enabled: false\nworkspaces:\n  acme:\n    loopback:\n      port: 4000\n";
        assertThat(exitCodeOf(List.of("-Dpf4j.mode=bogus"), "run", yaml)).as(output()).isEqualTo(ExitCodes.STARTUP_FAILED);
        String out = output();
        assertThat(out.lines().filter(l -> l.contains("could not start"))).as(out).hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("ERROR").contains("Cannot found PF4J runtime mode with name 'bogus'")
                        .contains("GATEHOUSE_LOG_LEVEL=DEBUG"));
        assertThat(out).as("no stack trace, no error from the shutdown hook").doesNotContain("\tat ")
                .doesNotContain("Exception in thread").doesNotContain("NullPointerException");
        // validate meets the same failure when it loads the plugins: the same one line, not a stack trace.
        assertThat(exitCodeOf(List.of("-Dpf4j.mode=bogus"), "validate", yaml)).as(output()).isEqualTo(ExitCodes.STARTUP_FAILED);
        assertThat(output()).contains("Cannot found PF4J runtime mode").doesNotContain("\tat ");
    }
}
