package dev.gatehouse.discord;

import dev.gatehouse.api.GatewayContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;

/**
 * Builds the JDA instance of one connection: pointed at the configured REST and gateway URLs, every
 * thread pool JDA lets us replace backed by the plugin's shared pools ({@link SharedPools}), no JVM
 * shutdown hook, no event pool. Threads JDA still makes itself are nv-websocket's read and write
 * threads, which end with their socket: the only threads a connection costs.
 *
 * <p>The gateway pool is the connection's {@link ScopedScheduler} view of the shared gateway scheduler,
 * which JDA is told to shut down itself ({@code automaticShutdown}): it does so exactly once, when this
 * JDA shuts down (our close, or a close code it cannot recover from); that cancels this connection's
 * heartbeat and send loop, and JDA reads it as "do not reconnect". The other pools JDA leaves running.
 *
 * <p>Gateway sockets come from the connection's {@link GatewaySockets}, so that its close can end them all.
 *
 * <p>No event pool: JDA calls the listener on the thread that produced the event, for dispatches its
 * socket's read thread, in gateway order. That is the one hop the JDA traps allow: the listener never
 * blocks (it translates and hands the event to the host's non-blocking sink, whose handlers run on host
 * threads in order per channel), so JDA reads its heartbeat ACKs on time.
 */
final class JdaFactory {

    private JdaFactory() {
    }

    /**
     * Builds JDA; returns once the token is verified ({@code GET users/@me}), before the gateway connects.
     *
     * @throws net.dv8tion.jda.api.exceptions.InvalidTokenException if Discord answered 401
     */
    static JDA build(DiscordSettings settings, GatewayContext ctx, HostSessionController sessions,
            ScopedScheduler gateway, GatewaySockets sockets, EventListener listener, SharedPools shared) {
        // JDA copies this map into the logging MDC of its own socket threads, so their lines name the connection.
        ConcurrentHashMap<String, String> mdc = new ConcurrentHashMap<>(Map.of("workspace", ctx.workspace(),
                "platform", ctx.platform(), "epoch", Long.toString(ctx.epoch())));
        return JDABuilder.createLight(settings.token(), settings.intents())
                .setRestConfig(new RestConfig().setBaseUrl(settings.apiUrl().toString()))
                .setSessionController(sessions)
                .setWebsocketFactory(sockets.webSocketFactory())
                // Plain JSON text frames: no zlib-stream state to keep per socket (Discord accepts both).
                .setCompression(Compression.NONE)
                .setEnableShutdownHook(false)
                .setAutoReconnect(true)
                .setHttpClient(shared.http(settings.restTimeout()))
                .setGatewayPool(gateway, true)
                .setRateLimitScheduler(shared.rateLimitScheduler(), false)
                .setRateLimitElastic(shared.rest(), false)
                .setCallbackPool(shared.callbacks(), false)
                .setEventPool(null, false)
                .setContextMap(mdc)
                .addEventListeners(listener)
                .build();
    }
}
