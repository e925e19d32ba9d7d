package dev.gatehouse.host.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import dev.gatehouse.host.testing.RecordingExit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gatehouse doctor} with the test plugin's jar, against a real loopback server. */
class DoctorCommandTest {

    private static final String CREDENTIAL = "loopback-credential-9f8e7d6c5b";

    @TempDir
    Path dir;
    private LoopbackServer server;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        Files.copy(PluginJars.testPlugin(), Files.createDirectories(dir.resolve("plugins")).resolve("loopback.jar"));
        server = new LoopbackServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private int doctor(Path config) {
        return doctor(config, "5s");
    }

    private int doctor(Path config, String timeout) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute("doctor", "--config", config.toString(), "--timeout", timeout);
    }

    private Path config(String heartbeatFile, int adminPort) throws Exception {
        return Files.writeString(dir.resolve("gatehouse.yaml"), """
                heartbeat:
                  file: %s
                admin:
                  listen: 127.0.0.1:%d
                workspaces:
                  acme:
                    loopback:
                      port: %d
                      credential: %s
                  beta:
                    loopback:
                      port: %d
                """.formatted(heartbeatFile, adminPort, server.port(), CREDENTIAL, server.port()));
    }

    private List<String> lines() {
        return Arrays.stream(out.toString().split("\\R")).filter(l -> !l.isBlank()).toList();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aHealthyDeploymentPassesEveryCheckWithExit0() throws Exception {
        int code = doctor(config("run/heartbeat", freePort()));

        assertThat(code).as(out + "\n" + err).isEqualTo(ExitCodes.OK);
        List<String> checks = lines().subList(0, lines().size() - 1);
        assertThat(checks).allMatch(l -> l.startsWith("OK   "), "every check OK");
        assertThat(checks).anyMatch(l -> l.startsWith("OK   jdk: Java "))
                .anyMatch(l -> l.startsWith("OK   platform loopback: served by plugin loopback-gateway"))
                .anyMatch(l -> l.startsWith("OK   credentials workspaces.acme.loopback: the loopback server accepted"))
                .anyMatch(l -> l.startsWith("OK   credentials workspaces.beta.loopback: the loopback server accepted"))
                .anyMatch(l -> l.matches("OK   probe http://127\\.0\\.0\\.1:\\d+/probe: reachable, HTTP 200"
                        + " \\(workspaces\\.acme\\.loopback, workspaces\\.beta\\.loopback\\)"))
                .anyMatch(l -> l.startsWith("OK   heartbeat.file " + dir.resolve("run/heartbeat") + ": folder "
                        + dir.resolve("run") + " is missing; the host creates it at start (" + dir + " is writable"))
                .anyMatch(l -> l.startsWith("OK   admin.listen 127.0.0.1:"));
        assertThat(lines().get(lines().size() - 1)).endsWith("all " + checks.size() + " checks passed");
        assertThat(dir.resolve("run")).as("the doctor creates nothing: run as root, it would leave a folder the service"
                + " user cannot write").doesNotExist();
        assertThat(server.connections).as("no connection was opened").isEmpty();
    }

    @Test
    void aRevokedCredentialFailsWithTheConnectionTheFixAndExit78WithoutShowingTheSecret() throws Exception {
        // The platform's answer quotes the secret; the doctor must mask it whoever wrote it.
        server.revokedCredentials.put("acme", "token_revoked (presented " + CREDENTIAL + ")");

        int code = doctor(config("run/heartbeat", freePort()));

        assertThat(code).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(lines()).anyMatch(l -> l.startsWith("FAIL credentials workspaces.acme.loopback: the loopback server"
                        + " answered 'REVOKED token_revoked (presented [REDACTED])' for workspaces.acme.loopback.credential"
                        + " -- fix: put a valid credential in workspaces.acme.loopback.credential"))
                .anyMatch(l -> l.startsWith("OK   credentials workspaces.beta.loopback:"))
                .last().asString().endsWith("1 of " + (lines().size() - 1) + " checks failed");
        assertThat(out.toString() + err).doesNotContain(CREDENTIAL);
    }

    @Test
    void aHeartbeatFolderThatCannotBeCreatedFailsAndNothingIsCreated() throws Exception {
        // A regular file where a folder must be: no user, root included, can create the folder.
        Files.writeString(dir.resolve("blocker"), "not a folder");

        int code = doctor(config("blocker/run/heartbeat", freePort()));

        assertThat(code).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(lines()).anyMatch(l -> l.startsWith("FAIL heartbeat.file " + dir.resolve("blocker/run/heartbeat")
                + ": folder " + dir.resolve("blocker/run") + " is missing and cannot be created: " + dir.resolve("blocker")
                + " is not a folder")
                && l.contains(" -- fix: create " + dir.resolve("blocker/run") + " writable by the user gatehouse runs as"));
        assertThat(dir.resolve("blocker")).isRegularFile();
    }

    @Test
    void anExistingHeartbeatFolderIsWrittenToAndLeftAsItWas() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));

        int code = doctor(config("run/heartbeat", freePort()));

        assertThat(code).as(out + "\n" + err).isEqualTo(ExitCodes.OK);
        assertThat(lines()).anyMatch(l -> l.startsWith("OK   heartbeat.file " + run.resolve("heartbeat") + ": folder " + run
                + " is writable"));
        try (var left = Files.list(run)) {
            assertThat(left).as("the probe file is removed").isEmpty();
        }
    }

    @Test
    void aTimeoutOutsideItsRangeIsAUsageErrorNamingTheOption() throws Exception {
        Path c = config("run/heartbeat", freePort());
        // "-1s" is refused by the duration syntax itself, with picocli's own message naming the option.
        for (String bad : List.of("0s", "-1s", "50ms", "6m")) {
            StringWriter e = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(new StringWriter()));
            cl.setErr(new PrintWriter(e));

            int code = cl.execute("doctor", "--config", c.toString(), "--timeout", bad);

            assertThat(code).as(bad + ": " + e).isEqualTo(ExitCodes.USAGE);
            assertThat(e.toString()).as(bad).contains("--timeout").contains(bad.equals("-1s") ? "is not a duration" : "100ms to 5m");
        }
    }

    @Test
    void noThreadOutlivesTheCommand() throws Exception {
        Path c = config("run/heartbeat", freePort());
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        assertThat(doctor(c)).as(out + "\n" + err).isEqualTo(ExitCodes.OK);

        // Plugin threads end within the runtime's stop bound; a forgotten HTTP client's selector thread never does.
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive()).map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
                .toList()).as("threads started by the doctor and still running").isEmpty());
    }

    @Test
    void anAdminPortHeldByAnotherProgramFails() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = doctor(config("run/heartbeat", squatter.getLocalPort()));

            assertThat(code).isEqualTo(ExitCodes.CONFIG_INVALID);
            assertThat(lines()).anyMatch(l -> l.startsWith("FAIL admin.listen 127.0.0.1:" + squatter.getLocalPort()
                    + ": cannot be bound (") && l.contains("-- fix: stop that program"));
        }
    }

    @Test
    void anAdminPortHeldByARunningGatehouseIsToldApartAndPasses() throws Exception {
        Path hostDir = Files.createDirectories(dir.resolve("running"));
        Files.createDirectories(hostDir.resolve("plugins"));
        GatehouseConfig running = new ConfigLoader().parse("admin:\n  listen: 127.0.0.1:0\nworkspaces: {}\n",
                hostDir.resolve("g.yaml").toString(), hostDir);
        try (GatewayHost host = GatewayHost.builder().config(running).processExit(new RecordingExit()).adminApi(true).build()) {
            host.start();
            int port = host.adminPort().orElseThrow();

            int code = doctor(config("run/heartbeat", port));

            assertThat(code).as(out.toString()).isEqualTo(ExitCodes.OK);
            assertThat(lines()).contains("OK   admin.listen 127.0.0.1:" + port + ": in use by a running gatehouse (its /livez"
                    + " answered); a second host on this address would fail to start");
        }
    }

    @Test
    void anUnreachableProbeAndAMissingPluginFail() throws Exception {
        int closed = freePort();
        Path c = Files.writeString(dir.resolve("gatehouse.yaml"), """
                admin:
                  enabled: false
                workspaces:
                  acme:
                    loopback:
                      port: %d
                      probeUrl: http://127.0.0.1:%d/probe
                    teams:
                      tenant: x
                """.formatted(server.port(), closed));

        assertThat(doctor(c)).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(lines()).anyMatch(l -> l.startsWith("FAIL platform teams: no plugin in " + dir.resolve("plugins")
                        + " serves it -- fix: put the teams gateway plugin jar in"))
                .anyMatch(l -> l.startsWith("FAIL probe http://127.0.0.1:" + closed + "/probe: not reachable within 5 s ("))
                .anyMatch(l -> l.equals("SKIP admin.listen: admin API disabled"));
    }

    @Test
    void anInvalidConfigurationIsReportedAsValidateDoesWithExit78() throws Exception {
        Path c = Files.writeString(dir.resolve("gatehouse.yaml"), "health:\n  staleAfter: forever\n");

        assertThat(doctor(c)).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(err.toString()).contains("health.staleAfter: 'forever' is not a duration");
        assertThat(out.toString()).isEmpty();
    }
}
