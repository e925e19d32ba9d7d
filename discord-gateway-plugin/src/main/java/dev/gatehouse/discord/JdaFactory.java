package dev.gatehouse.discord;

import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewayExecutors;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import okhttp3.OkHttpClient;

/**
 * Builds the JDA instance of one connection: pointed at the configured REST and gateway URLs, every
 * thread pool JDA lets us replace backed by host executors, no JVM shutdown hook. The REST pools are
 * the plugin's, shared by all bots ({@link SharedPools}), and JDA leaves them running; the others are
 * the connection's own.
 *
 * <p>JDA is told to shut each of the connection's own pools down itself ({@code automaticShutdown}): it
 * does so exactly once, when this JDA shuts down (our close, or a close code it cannot recover from), after which nothing may
 * run on them anyway; JDA also reads "gateway pool shut down" as "do not reconnect". The host shuts the
 * same executors down again after the close, which is a no-op by then. Threads JDA still makes itself
 * are nv-websocket's read and write threads, which end with their socket.
 */
final class JdaFactory {

    private JdaFactory() {
    }

    /**
     * Builds JDA; returns once the token is verified ({@code GET users/@me}), before the gateway connects.
     *
     * @throws net.dv8tion.jda.api.exceptions.InvalidTokenException if Discord answered 401
     */
    static JDA build(DiscordSettings settings, GatewayContext ctx, String label, OkHttpClient http,
            EventListener listener, SharedPools shared) {
        GatewayExecutors ex = ctx.executors();
        // JDA copies this map into the logging MDC of its own socket threads, so their lines name the connection.
        ConcurrentHashMap<String, String> mdc = new ConcurrentHashMap<>(Map.of("workspace", ctx.workspace(),
                "platform", ctx.platform(), "epoch", Long.toString(ctx.epoch())));
        return JDABuilder.createLight(settings.token(), settings.intents())
                .setRestConfig(new RestConfig().setBaseUrl(settings.apiUrl().toString()))
                .setSessionController(new HostSessionController(label, settings.gatewayUrl().toString(),
                        ex.newScheduler("jda-connect", 1)))
                // Plain JSON text frames: no zlib-stream state to keep per socket (Discord accepts both).
                .setCompression(Compression.NONE)
                .setEnableShutdownHook(false)
                .setAutoReconnect(true)
                .setHttpClient(http)
                .setGatewayPool(ex.newScheduler("jda-gateway", 1), true)
                .setRateLimitScheduler(shared.rateLimitScheduler(), false)
                .setRateLimitElastic(shared.rest(), false)
                .setCallbackPool(shared.callbacks(), false)
                // One thread: listeners run off JDA's socket threads and still see events in gateway order.
                .setEventPool(ex.newExecutor("jda-events", 1), true)
                .setContextMap(mdc)
                .addEventListeners(listener)
                .build();
    }
}
