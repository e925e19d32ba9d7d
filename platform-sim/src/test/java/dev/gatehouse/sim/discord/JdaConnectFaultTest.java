package dev.gatehouse.sim.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionDisconnectEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.requests.CloseCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Faults met while connecting: fatal identify replies, a hot reconnect loop, a refused gateway. */
class JdaConnectFaultTest {

    private static final Logger LOG = LoggerFactory.getLogger(JdaConnectFaultTest.class);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private DiscordSimulator sim;
    private SimBot bot;
    private JdaClient client;

    @BeforeEach
    void startSimulator() {
        sim = DiscordSimulator.builder().heartbeatInterval(Duration.ofMillis(2000)).start();
        bot = sim.registerBot("jda-connect-token", "connect-bot");
    }

    @AfterEach
    void stop() {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            sim.close();
        }
    }

    private void assertFatalIdentifyReply(IdentifyReply reply, int code, CloseCode closeCode) {
        bot.identifyReply(reply);
        long start = System.nanoTime();

        client = JdaClient.start(sim, bot.token(), JdaClient.ALL_USED_INTENTS);

        ShutdownEvent shutdown = client.events().awaitSince(0, ShutdownEvent.class, WAIT);
        assertThat(shutdown.getCode()).isEqualTo(code);
        assertThat(shutdown.getCloseCode()).isEqualTo(closeCode);
        assertThat(client.jda().getStatus()).isEqualTo(JDA.Status.SHUTDOWN);
        assertThat(client.events().all(SessionDisconnectEvent.class)).isEmpty();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(1 + 5))
                .until(() -> sim.stats().tcpAccepts() == 1);
        assertThat(bot.stats().identifies()).isEqualTo(1);
        LOG.info("FIGURE identify answered {}: ShutdownEvent +{} ms after build, {} TCP connection(s)",
                reply, client.events().millisUntil(0, ShutdownEvent.class, start), sim.stats().tcpAccepts());
    }

    @Test
    void identifyClosedWith4004ShutsJdaDownWithoutReconnecting() {
        assertFatalIdentifyReply(IdentifyReply.CLOSE_4004, 4004, CloseCode.AUTHENTICATION_FAILED);
    }

    @Test
    void identifyClosedWith4014ShutsJdaDownWithoutReconnecting() {
        assertFatalIdentifyReply(IdentifyReply.CLOSE_4014, 4014, CloseCode.DISALLOWED_INTENTS);
    }

    @Test
    void dropAfterHelloMakesJdaReconnectInAHotLoopUntilTheServerBehaves() {
        client = JdaClient.connect(sim, bot);
        EventRecorder events = client.events();
        int mark = events.mark();
        sim.acceptMode(AcceptMode.CLOSE_AFTER_HELLO);
        long start = System.nanoTime();
        long acceptsBefore = bot.stats().tcpAccepts();

        bot.inject(GatewayFault.fin());

        // No backoff: with JDA's exponential backoff (2 s, 4 s, 8 s ...) ten connections would take over a
        // minute; a hot loop makes them within the wait however loaded the machine is (the rate is a figure).
        await().atMost(WAIT).until(() -> bot.stats().tcpAccepts() - acceptsBefore >= 10);
        long rate = bot.acceptsInLast(Duration.ofSeconds(2));
        long loopMillis = (System.nanoTime() - start) / 1_000_000;
        long connectionsDuringLoop = bot.stats().tcpAccepts();
        int beforeRecovery = events.mark();
        long recoveryStart = System.nanoTime();

        sim.acceptMode(AcceptMode.NORMAL);

        events.awaitSince(beforeRecovery, SessionResumeEvent.class, WAIT);
        // Let the hot loop's tail settle before the client is shut down (JDA may reconnect once more after the
        // resume): a JDA shut down while it is still handling a HELLO throws RejectedExecutionException on its
        // read thread (its keep-alive pool is gone) and never reaches SHUTDOWN (seen under load: "JDA did not
        // shut down within 10 s").
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(new java.util.concurrent.Callable<>() {
            private long accepts = -1;
            private long since;

            @Override
            public Boolean call() {
                long now = System.nanoTime();
                long a = bot.stats().tcpAccepts();
                if (a != accepts || client.jda().getStatus() != JDA.Status.CONNECTED || bot.stats().openSockets() != 1) {
                    accepts = a;
                    since = now;
                    return false;
                }
                return now - since >= 1_000_000_000L; // connected on one socket, no new connection for 1 s
            }
        });
        assertThat(events.since(mark, ReadyEvent.class)).isEmpty();
        assertThat(bot.stats().maxOpenAtOnce()).isEqualTo(1);
        LOG.info("FIGURE drop after HELLO: {} connections in the last 2 s ({} in {} ms, {} disconnect events);"
                        + " resumed {} ms after the server behaved",
                rate, connectionsDuringLoop, loopMillis, events.since(mark, SessionDisconnectEvent.class).size(),
                events.millisUntil(beforeRecovery, SessionResumeEvent.class, recoveryStart));
    }

    @Test
    void refusedGatewayAtStartIsRetriedSilentlyUntilTheSimulatorListensAgain() {
        sim.stopListening();

        client = JdaClient.start(sim, bot.token(), JdaClient.ALL_USED_INTENTS);

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(1 + 5))
                .until(() -> client.jda().getStatus() == JDA.Status.CONNECTING_TO_WEBSOCKET);
        assertThat(sim.stats().tcpAccepts()).isZero();
        long start = System.nanoTime();

        sim.startListening();

        client.events().awaitSince(0, ReadyEvent.class, WAIT);
        assertThat(bot.stats().identifies()).isEqualTo(1);
        LOG.info("FIGURE gateway refused at start: READY {} ms after listening again",
                client.events().millisUntil(0, ReadyEvent.class, start));
    }
}
