package dev.gatehouse.bench;

import java.time.Duration;
import java.util.EnumSet;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;

/**
 * The baseline: a JDA instance with a plain listener, as a developer would write it by hand, with JDA's
 * defaults except what reaching the simulator takes (REST base URL, gateway URL through the session
 * controller, no transport compression) and no JVM shutdown hook. The listener records message ids.
 */
final class BareJda implements AutoCloseable {

    /** The intents the Discord plugin identifies with by default. */
    static final EnumSet<GatewayIntent> INTENTS = EnumSet.of(GatewayIntent.GUILD_MESSAGES, GatewayIntent.DIRECT_MESSAGES,
            GatewayIntent.MESSAGE_CONTENT, GatewayIntent.GUILD_MESSAGE_REACTIONS, GatewayIntent.DIRECT_MESSAGE_REACTIONS);

    private final JDA jda;

    private BareJda(JDA jda) {
        this.jda = jda;
    }

    /** Builds JDA (verifying the token over REST) and returns; the gateway connects in the background. */
    static BareJda start(String restBaseUrl, String gatewayUrl, String token, Arrivals arrivals) {
        JDA jda = JDABuilder.createLight(token, INTENTS)
                .setRestConfig(new RestConfig().setBaseUrl(restBaseUrl))
                .setSessionController(new ConcurrentSessionController() {
                    @Override
                    public String getGateway() {
                        return gatewayUrl;
                    }
                })
                .setCompression(Compression.NONE)
                .setEnableShutdownHook(false)
                .addEventListeners(new ListenerAdapter() {
                    @Override
                    public void onMessageReceived(MessageReceivedEvent event) {
                        arrivals.seen(event.getMessageId());
                    }
                })
                .build();
        return new BareJda(jda);
    }

    boolean connected() {
        return jda.getStatus() == JDA.Status.CONNECTED;
    }

    @Override
    public void close() {
        jda.shutdownNow();
        try {
            jda.awaitShutdown(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
