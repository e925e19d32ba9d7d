package dev.gatehouse.sim.discord;

import java.time.Duration;
import java.util.EnumSet;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;

/** A bare JDA 6.5.0 pointed at a simulator as the Discord note §2 describes, with an event recorder. */
final class JdaClient implements AutoCloseable {

    static final EnumSet<GatewayIntent> ALL_USED_INTENTS = EnumSet.of(
            GatewayIntent.GUILD_MESSAGES,
            GatewayIntent.DIRECT_MESSAGES,
            GatewayIntent.MESSAGE_CONTENT,
            GatewayIntent.GUILD_MESSAGE_REACTIONS,
            GatewayIntent.DIRECT_MESSAGE_REACTIONS);

    static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private final JDA jda;
    private final EventRecorder events;

    private JdaClient(JDA jda, EventRecorder events) {
        this.jda = jda;
        this.events = events;
    }

    /** Builds JDA and waits for its first READY. */
    static JdaClient connect(DiscordSimulator sim, SimBot bot) {
        JdaClient client = start(sim, bot.token(), ALL_USED_INTENTS);
        try {
            client.events.awaitSince(0, ReadyEvent.class, READY_TIMEOUT);
        } catch (RuntimeException | Error e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Builds JDA without waiting for the gateway. {@code build()} itself may throw (e.g. on REST 401). */
    static JdaClient start(DiscordSimulator sim, String token, EnumSet<GatewayIntent> intents) {
        EventRecorder events = new EventRecorder();
        JDA jda = builder(sim, token, intents).addEventListeners(events).build();
        return new JdaClient(jda, events);
    }

    static JDABuilder builder(DiscordSimulator sim, String token, EnumSet<GatewayIntent> intents) {
        String gateway = sim.gatewayUrl();
        return JDABuilder.createLight(token, intents)
                .setRestConfig(new RestConfig().setBaseUrl(sim.restBaseUrl()))
                .setSessionController(new ConcurrentSessionController() {
                    @Override
                    public String getGateway() {
                        return gateway;
                    }
                })
                .setCompression(Compression.NONE)
                .setEnableShutdownHook(false);
    }

    JDA jda() {
        return jda;
    }

    EventRecorder events() {
        return events;
    }

    @Override
    public void close() {
        jda.shutdownNow();
        try {
            if (!jda.awaitShutdown(Duration.ofSeconds(10))) {
                throw new IllegalStateException("JDA did not shut down within 10 s (status " + jda.getStatus() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while JDA shut down", e);
        }
    }
}
