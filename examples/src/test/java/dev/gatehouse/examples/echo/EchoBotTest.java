package dev.gatehouse.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.testing.LogCapture;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.RestCall;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.discord.SimChannel;
import dev.gatehouse.sim.slack.ApiCall;
import dev.gatehouse.sim.slack.AuthState;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The echo bot as an application runs it: the packaged Slack and Discord plugin jars in a folder, the
 * loopback simulators as the platforms, the example's own logback.xml.
 */
class EchoBotTest {

    @TempDir
    Path dir;
    private SlackSimulator slack;
    private DiscordSimulator discord;
    private EchoBot bot;

    @BeforeEach
    void setUp() throws Exception {
        slack = SlackSimulator.builder().ackTimeout(Duration.ofSeconds(3)).start();
        discord = DiscordSimulator.builder().heartbeatInterval(Duration.ofSeconds(2)).start();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        try (Stream<Path> jars = Files.list(Path.of(System.getProperty("gatehouse.dist")).resolve("plugins"))) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
    }

    @AfterEach
    void tearDown() {
        if (bot != null) {
            bot.close();
        }
        discord.close();
        slack.close();
    }

    /** Starts the bot on Slack workspace {@code acme}, Discord bot {@code gamers} and, if given, Slack workspace {@code initech}. */
    private void start(SimSlackApp acme, SimBot gamers, SimSlackApp initech) throws Exception {
        String yaml = """
                plugins:
                  dir: plugins
                heartbeat:
                  file: run/alive
                workspaces:
                  acme:
                    slack:
                      appToken: ${ACME_APP_TOKEN}
                      botToken: ${ACME_BOT_TOKEN}
                      apiUrl: %1$s
                  gamers:
                    discord:
                      token: ${DISCORD_TOKEN}
                      apiUrl: %2$s
                      gatewayUrl: %3$s
                """.formatted(slack.apiUrl(), discord.restBaseUrl(), discord.gatewayUrl());
        Map<String, String> env = new HashMap<>(Map.of("ACME_APP_TOKEN", acme.appToken(), "ACME_BOT_TOKEN", acme.botToken(),
                "DISCORD_TOKEN", gamers.token()));
        if (initech != null) {
            yaml += """
                      initech:
                        slack:
                          appToken: ${INITECH_APP_TOKEN}
                          botToken: ${INITECH_BOT_TOKEN}
                          apiUrl: %s
                    """.formatted(slack.apiUrl());
            env.put("INITECH_APP_TOKEN", initech.appToken());
            env.put("INITECH_BOT_TOKEN", initech.botToken());
        }
        bot = new EchoBot(new ConfigLoader(env::get).parse(yaml, "gatehouse.yaml", dir));
        bot.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> status("acme").state() == ConnectionState.CONNECTED
                && status("gamers").state() == ConnectionState.CONNECTED);
    }

    @Test
    void answersASlackAndADiscordMessageInTheirThreads() throws Exception {
        SimSlackApp acme = slack.registerApp();
        SimBot gamers = discord.registerBot("echo-bot-token-" + Long.toHexString(System.nanoTime()), "echo");
        start(acme, gamers, null);

        slack.pushMessage(acme, "C0GENERAL", "U0ALICE", "hello slack");
        SimChannel general = discord.defaultGuild().textChannels().get(0);
        gamers.guildMessage(general, discord.createUser("alice"), "hello discord");

        await().atMost(Duration.ofSeconds(20)).until(() -> bot.answered() == 2);
        ApiCall post = slack.apiCalls(acme, "chat.postMessage").get(0);
        assertThat(post.params()).containsEntry("channel", "C0GENERAL").containsEntry("text", "you said: hello slack")
                .containsKey("thread_ts");
        RestCall reply = gamers.restCalls().stream().filter(c -> c.is("POST", "/channels/" + general.id() + "/messages"))
                .findFirst().orElseThrow();
        assertThat(reply.body()).contains("you said: hello discord").contains("message_reference");
    }

    @Test
    void aWorkspaceWithARevokedTokenFailsAndSaysWhyWhileTheOthersAnswerAndNoTokenIsLogged() throws Exception {
        SimSlackApp acme = slack.registerApp();
        SimSlackApp initech = slack.registerApp();
        slack.setAuthState(initech, AuthState.TOKEN_REVOKED);
        SimBot gamers = discord.registerBot("echo-bot-token-" + Long.toHexString(System.nanoTime()), "echo");
        try (LogCapture logs = new LogCapture("%logger %conn- %msg%n%ex")) {
            start(acme, gamers, initech);
            await().atMost(Duration.ofSeconds(30)).until(() -> status("initech").state() == ConnectionState.FAILED);
            assertThat(status("initech").lastError()).contains("token_revoked").contains("workspaces.initech.slack");

            slack.pushMessage(acme, "C0GENERAL", "U0ALICE", "still here?");
            gamers.guildMessage(discord.defaultGuild().textChannels().get(0), discord.createUser("bob"), "and here?");
            await().atMost(Duration.ofSeconds(20)).until(() -> bot.answered() == 2);
            assertThat(logs.text()).contains("initech").doesNotContain(initech.botToken()).doesNotContain(initech.appToken())
                    .doesNotContain(acme.appToken()).doesNotContain(acme.botToken()).doesNotContain(gamers.token());
        }
    }

    private ConnectionStatus status(String workspace) {
        return bot.host().status().connections().stream().filter(c -> c.workspace().equals(workspace)).findFirst()
                .orElseThrow();
    }
}
