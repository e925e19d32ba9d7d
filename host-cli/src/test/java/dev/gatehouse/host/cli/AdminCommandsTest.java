package dev.gatehouse.host.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import dev.gatehouse.host.testing.RecordingExit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI commands that talk to a running host, against a real host's admin API. */
class AdminCommandsTest {

    /** The token is the value of an environment variable every test machine has, so --token-env can name it. */
    private static final String TOKEN_ENV = "PATH";

    @TempDir
    Path dir;
    private LoopbackServer server;
    private GatewayHost host;
    private String admin;
    private StringWriter out;
    private StringWriter err;

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackServer();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        String yaml = "admin:\n  listen: 127.0.0.1:0\n  token: ${PATH}\nworkspaces:\n  acme:\n    loopback:\n      port: "
                + server.port() + "\n";
        host = GatewayHost.builder().config(new ConfigLoader().parse(yaml, "t.yaml", dir)).processExit(new RecordingExit()).adminApi(true).build();
        host.start();
        admin = "http://127.0.0.1:" + host.adminPort().orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(host::isReady);
    }

    @AfterEach
    void stop() throws Exception {
        host.close();
        server.close();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--admin";
        all[args.length + 1] = admin;
        all[args.length + 2] = "--token-env";
        all[args.length + 3] = TOKEN_ENV;
        return cl.execute(all);
    }

    @Test
    void statusPrintsAReadableTableOrTheJson() {
        assertThat(run("status")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).containsPattern("acme\\s+loopback\\s+CONNECTED\\s+1\\s")
                .containsPattern("loopback-gateway\\s+1\\.0\\.0\\s+STARTED\\s+loopback").contains("heartbeat:");
        assertThat(run("status", "--json")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).startsWith("{\"connections\":[{\"workspace\":\"acme\"");
    }

    @Test
    void reconnectEnableDisableAndReloadActOnTheHost() {
        assertThat(run("reconnect", "acme", "loopback")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("reconnect loopback/acme: reconnect started");
        await().until(() -> host.status().connections().get(0).epoch() == 2 && host.isReady());

        assertThat(run("disable", "acme", "loopback")).isEqualTo(ExitCodes.OK);
        assertThat(host.status().connections().get(0).state()).isEqualTo(ConnectionState.STOPPED);
        assertThat(run("enable", "acme", "loopback")).isEqualTo(ExitCodes.OK);
        await().until(host::isReady);

        assertThat(run("reload", "loopback-gateway")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("reload loopback-gateway: SWAPPED 1.0.0 -> 1.0.0");
    }

    @Test
    void refusalsAndUnreachableHostsHaveTheirOwnCodes() {
        assertThat(run("reconnect", "nobody", "loopback")).isEqualTo(ExitCodes.REQUEST_FAILED);
        assertThat(err.toString()).contains("no connection loopback/nobody is configured");
        StringWriter e = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(e));
        assertThat(cl.execute("status", "--admin", admin, "--token-env", "GATEHOUSE_NO_SUCH_VARIABLE"))
                .isEqualTo(ExitCodes.REQUEST_FAILED);
        assertThat(e.toString()).contains("bearer token");
        assertThat(Main.commandLine().execute("status", "--admin", "http://127.0.0.1:1")).isEqualTo(ExitCodes.UNREACHABLE);
    }
}
