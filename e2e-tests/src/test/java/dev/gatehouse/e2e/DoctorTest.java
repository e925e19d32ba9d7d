package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.cli.Main;
import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.slack.AuthState;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gatehouse doctor} with the packaged Slack and Discord plugins against the simulators: the
 * credentials are asked of each platform through its plugin, a good token passes, a revoked one fails
 * with the connection and the fix named, and no token is printed.
 */
class DoctorTest {

    @TempDir
    Path dir;
    private SlackSimulator slack;
    private DiscordSimulator discord;
    private SimSlackApp app;
    private SimBot bot;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        slack = SlackSimulator.start();
        discord = DiscordSimulator.start();
        app = slack.registerApp();
        bot = discord.registerBot("e2e-doctor-discord-token-0123456789", "doctor-bot");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        try (var jars = Files.list(Path.of(System.getProperty("gatehouse.dist")).resolve("plugins"))) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
        config = Files.writeString(dir.resolve("gatehouse.yaml"), """
                heartbeat:
                  file: run/heartbeat
                admin:
                  listen: 127.0.0.1:0
                workspaces:
                  acme:
                    slack:
                      appToken: %s
                      botToken: %s
                      apiUrl: %s
                  gamers:
                    discord:
                      token: %s
                      apiUrl: %s
                      gatewayUrl: %s
                """.formatted(app.appToken(), app.botToken(), slack.apiUrl(), bot.token(), discord.restBaseUrl(),
                discord.gatewayUrl()));
    }

    @AfterEach
    void stop() {
        discord.close();
        slack.close();
    }

    private record Run(int code, List<String> lines, String all) {
    }

    private Run doctor() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("doctor", "--config", config.toString(), "--timeout", "10s");
        System.out.print(out);
        return new Run(code, Arrays.stream(out.toString().split("\\R")).filter(l -> !l.isBlank()).toList(), out + "\n" + err);
    }

    @Test
    void goodTokensPassAndNoConnectionIsOpened() {
        Run r = doctor();

        assertThat(r.code()).as(r.all()).isEqualTo(ExitCodes.OK);
        assertThat(r.lines().subList(0, r.lines().size() - 1)).allMatch(l -> l.startsWith("OK   "), "every check OK")
                .anyMatch(l -> l.startsWith("OK   credentials workspaces.acme.slack: bot user " + app.botUserId() + " in team "
                        + app.teamId() + "; app-level token accepted by apps.connections.open"))
                .anyMatch(l -> l.startsWith("OK   credentials workspaces.gamers.discord: bot user doctor-bot (id "))
                .anyMatch(l -> l.startsWith("OK   probe " + slack.apiUrl()))
                .anyMatch(l -> l.startsWith("OK   probe " + discord.restBaseUrl()));
        assertThat(slack.stats(app).authTestCalls()).isEqualTo(1);
        assertThat(slack.stats(app).connectionsOpenCalls()).isEqualTo(1);
        assertThat(slack.openConnections(app)).as("the Socket Mode URL is not connected to").isEmpty();
        assertThat(discord.connections()).as("no gateway connection").isEmpty();
        assertNoToken(r);
    }

    @Test
    void revokedSlackAndDiscordTokensFailNamingTheConnectionAndTheFix() {
        slack.setAuthState(app, AuthState.TOKEN_REVOKED);
        bot.restUnauthorized(true);

        Run r = doctor();

        assertThat(r.code()).as(r.all()).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(r.lines())
                .anyMatch(l -> l.startsWith("FAIL credentials workspaces.acme.slack: Slack answered auth.test with"
                        + " 'token_revoked' for workspaces.acme.slack.botToken: the token is not valid; Slack answered"
                        + " apps.connections.open with 'token_revoked' for workspaces.acme.slack.appToken")
                        && l.contains(" -- fix: reinstall the app to the workspace and put its Bot User OAuth Token"
                        + " (xoxb-...) in workspaces.acme.slack.botToken; create a new app-level token"))
                .anyMatch(l -> l.startsWith("FAIL credentials workspaces.gamers.discord: Discord answered GET /users/@me"
                        + " with HTTP 401 Unauthorized for workspaces.gamers.discord.token")
                        && l.contains(" -- fix: copy the current token from the Discord developer portal"))
                .last().asString().endsWith("2 of " + (r.lines().size() - 1) + " checks failed");
        assertNoToken(r);
    }

    private void assertNoToken(Run r) {
        assertThat(r.all()).doesNotContain(app.appToken()).doesNotContain(app.botToken()).doesNotContain(bot.token());
    }
}
