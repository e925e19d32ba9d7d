package dev.gatehouse.discord;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewayException;
import dev.gatehouse.api.MessageHistory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Discord gateway connection of one workspace: a JDA instance whose lifecycle is reported to the
 * host through a {@link TransportMonitor}, whose dispatches go to the host's sink through
 * {@link GatewayEvents}, and whose REST requester carries the outbound operations.
 */
final class DiscordConnection implements GatewayConnection {

    private static final Logger log = LoggerFactory.getLogger(DiscordConnection.class);
    /** A healthy gateway answers JDA's close frame within milliseconds; after this, stop asking. */
    static final Duration GRACEFUL_CLOSE = Duration.ofSeconds(2);

    private final String label;
    private final JDA jda;
    private final JdaSocket socket;
    private final TransportMonitor monitor;
    private final SharedPools shared;
    private final HostSessionController sessions;
    private final ScopedScheduler gateway;
    private final GatewaySockets sockets;
    private final DiscordRest rest;
    /** Ends this connection's periodic checks on the plugin's {@link GatewayWatch}. */
    private final Runnable checks;
    private final Duration closeBound;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DiscordConnection(String label, JDA jda, JdaSocket socket, TransportMonitor monitor, SharedPools shared,
            HostSessionController sessions, ScopedScheduler gateway, GatewaySockets sockets, DiscordRest rest, Runnable checks,
            Duration closeBound) {
        this.label = label;
        this.jda = jda;
        this.socket = socket;
        this.monitor = monitor;
        this.shared = shared;
        this.sessions = sessions;
        this.gateway = gateway;
        this.sockets = sockets;
        this.rest = rest;
        this.checks = checks;
        this.closeBound = closeBound;
    }

    /** Builds JDA and returns; the gateway connects afterwards and reports through the health handle. */
    static DiscordConnection open(GatewayContext ctx, SharedPools shared) {
        DiscordSettings settings = DiscordSettings.parse(ctx.settings());
        String label = ctx.platform() + "/" + ctx.workspace() + " epoch " + ctx.epoch();
        JdaSocket socket = new JdaSocket(label);
        TransportMonitor monitor = new TransportMonitor(label, ctx.health(), socket::drop, System::nanoTime,
                settings.zombieMultiple(), settings.loginTimeout(),
                code -> FatalCloses.explain(code, ctx.settings().path(), settings.privilegedIntents()), socket::status);
        HostSessionController sessions = new HostSessionController(label, settings.gatewayUrl().toString(),
                shared.timer(), shared.connects());
        ScopedScheduler gateway = shared.gatewayFor();
        GatewaySockets sockets = new GatewaySockets(label);
        shared.opened();
        JDA jda;
        try {
            jda = JdaFactory.build(settings, ctx, sessions, gateway, sockets,
                    new GatewayEvents(label, monitor, ctx.inbound()), shared);
        } catch (InvalidTokenException e) {
            release(sessions, sockets, gateway, shared);
            String why = "Discord answered 401 Unauthorized to GET users/@me: " + ctx.settings().keyPath(DiscordSettings.TOKEN)
                    + " is not a valid bot token (mistyped, reset or revoked); copy the current one from the Discord"
                    + " developer portal (your application, Bot, Reset Token)";
            log.error("{}: {}", label, why);
            ctx.health().markFatal(why);
            throw new IllegalStateException(why, e);
        } catch (RuntimeException | Error e) {
            release(sessions, sockets, gateway, shared);
            throw e;
        }
        socket.attach(jda);
        Runnable checks = shared.watch().add(label, monitor::check);
        log.info("{}: JDA started, logged in as {} ({}), gateway {}", label, jda.getSelfUser().getName(),
                jda.getSelfUser().getId(), settings.gatewayUrl());
        return new DiscordConnection(label, jda, socket, monitor, shared, sessions, gateway, sockets,
                new DiscordRest(jda, settings.restTimeout()), checks, ctx.closeTimeout());
    }

    /**
     * What a connection holds of the shared pools, given back, once per connection; returns how many gateway
     * sockets were still open. Sessions first, so that a connect cut short by the sockets' close is not queued again.
     */
    private static int release(HostSessionController sessions, GatewaySockets sockets, ScopedScheduler gateway,
            SharedPools shared) {
        sessions.close();
        int stray = sockets.close();
        gateway.shutdown();
        shared.closed();
        return stray;
    }

    @Override
    public String post(String channelId, String text) {
        return outbound(() -> rest.post(channelId, text));
    }

    @Override
    public String reply(String channelId, String threadId, String text) {
        return outbound(() -> rest.reply(channelId, threadId, text));
    }

    @Override
    public void edit(String channelId, String messageId, String text) {
        outbound(() -> {
            rest.edit(channelId, messageId, text);
            return null;
        });
    }

    @Override
    public void delete(String channelId, String messageId) {
        outbound(() -> {
            rest.delete(channelId, messageId);
            return null;
        });
    }

    @Override
    public void react(String channelId, String messageId, String emoji) {
        outbound(() -> {
            rest.react(channelId, messageId, emoji);
            return null;
        });
    }

    @Override
    public Optional<MessageHistory> history() {
        return Optional.of(new DiscordHistory(jda, rest));
    }

    private <T> T outbound(Supplier<T> op) {
        if (closed.get()) {
            throw new GatewayException("discord: " + label + " is closed", true, null);
        }
        return op.get();
    }

    /**
     * {@code shutdown()} first, which closes the socket with 1000 and lets queued requests finish; if JDA
     * is not down within {@link #GRACEFUL_CLOSE} (a silent gateway never answers the close frame),
     * {@code shutdownNow()} and close the TCP socket ourselves. Last, every gateway socket JDA still has is
     * closed and no new one can be made ({@link GatewaySockets}): JDA reports SHUTDOWN while a connect it
     * already began goes on, and that socket would open after this method returned.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        monitor.closing();
        checks.run();
        long budget = closeBound.toMillis() * 3 / 4; // leave the host a margin of its bound
        try {
            jda.shutdown();
            if (!jda.awaitShutdown(Math.min(GRACEFUL_CLOSE.toMillis(), budget / 2), TimeUnit.MILLISECONDS)) {
                log.info("{}: JDA still {} {} ms after shutdown(); forcing", label, jda.getStatus(), elapsed(start));
                jda.shutdownNow();
                socket.drop();
                if (!jda.awaitShutdown(Math.max(100, budget - elapsed(start)), TimeUnit.MILLISECONDS)) {
                    log.warn("{}: JDA still {} {} ms after shutdownNow(); its socket is closed and its pools are the"
                            + " host's, which the host shuts down next", label, jda.getStatus(), elapsed(start));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            jda.shutdownNow();
            socket.drop();
        } catch (RuntimeException e) {
            log.warn("{}: closing JDA: {}", label, e.toString());
        } finally {
            int stray = release(sessions, sockets, gateway, shared);
            if (stray > 0) {
                log.info("{}: closed {} gateway socket(s) JDA still had after its shutdown", label, stray);
            }
        }
        log.info("{}: closed in {} ms", label, elapsed(start));
    }

    private static long elapsed(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Override
    public String toString() {
        return "DiscordConnection[" + label + ", " + jda.getStatus() + "]";
    }
}
