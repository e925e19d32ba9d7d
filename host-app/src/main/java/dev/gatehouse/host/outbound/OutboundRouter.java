package dev.gatehouse.host.outbound;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.host.exec.SerialLanes;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.time.Scheduler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Sends outbound operations through each connection's live {@link GatewayConnection}. While a
 * connection is down, replacing itself or held (during a plugin swap), operations wait in a bounded
 * queue and are sent in order once it is back; an operation that waited longer than the hold timeout
 * fails with a message that says so.
 */
public final class OutboundRouter implements MeterBinder {

    /** Sends that may wait per channel behind the one in progress; the newest beyond it is refused. */
    public static final int CHANNEL_QUEUE = SerialLanes.LANE_CAPACITY;

    private final SerialLanes lanes;
    private final Scheduler scheduler;
    private final int capacity;
    private final Duration holdTimeout;
    private final Map<ConnectionKey, Route> routes = new ConcurrentHashMap<>();

    private final class Route {
        final ConnectionKey key;
        final Supplier<GatewayConnection> live;
        final Supplier<ClassLoader> loader;
        /** Guarded by this route. */
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        /** Guarded by this route. */
        int holds;

        Route(ConnectionKey key, Supplier<GatewayConnection> live, Supplier<ClassLoader> loader) {
            this.key = key;
            this.live = live;
            this.loader = loader;
        }
    }

    private record Pending(Outbound op, CompletableFuture<String> result) {
    }

    private final java.util.function.Consumer<ConnectionKey> onSent;

    public OutboundRouter(Executor pool, Scheduler scheduler, int capacity, Duration holdTimeout) {
        this(pool, scheduler, capacity, holdTimeout, k -> { });
    }

    /** As above, calling {@code onSent} after each operation the platform accepted. */
    public OutboundRouter(Executor pool, Scheduler scheduler, int capacity, Duration holdTimeout,
            java.util.function.Consumer<ConnectionKey> onSent) {
        this.onSent = onSent;
        this.lanes = new SerialLanes(pool, SerialLanes.MAX_RUNNING, CHANNEL_QUEUE);
        this.scheduler = scheduler;
        this.capacity = capacity;
        this.holdTimeout = holdTimeout;
    }

    /** Registers a connection: where its live connection and its plugin's class loader come from. */
    public void register(ConnectionKey key, Supplier<GatewayConnection> live, Supplier<ClassLoader> loader) {
        routes.put(key, new Route(key, live, loader));
    }

    public void unregister(ConnectionKey key) {
        Route r = routes.remove(key);
        if (r != null) {
            failAll(r, "the connection was removed");
        }
    }

    /** Sends, or queues until the connection is live. */
    public CompletableFuture<String> send(ConnectionKey key, Outbound op) {
        Route r = routes.get(key);
        if (r == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no connection " + key
                    + " is configured; check the workspace and platform names"));
        }
        Pending p = new Pending(op, new CompletableFuture<>());
        GatewayConnection c;
        synchronized (r) {
            c = r.holds == 0 && r.queue.isEmpty() ? r.live.get() : null;
            if (c == null) {
                if (r.queue.size() >= capacity) {
                    return CompletableFuture.failedFuture(new IllegalStateException("outbound queue of " + key + " is full ("
                            + capacity + " waiting) while the connection is not live; try again later"));
                }
                r.queue.addLast(p);
                scheduler.schedule(holdTimeout, () -> expire(r, p));
                return p.result;
            }
        }
        dispatch(r, c, p);
        return p.result;
    }

    /** Holds a connection's sends (e.g. while its plugin is swapped); they queue until {@link #release}. */
    public void hold(ConnectionKey key) {
        Route r = routes.get(key);
        if (r != null) {
            synchronized (r) {
                r.holds++;
            }
        }
    }

    public void release(ConnectionKey key) {
        Route r = routes.get(key);
        if (r != null) {
            synchronized (r) {
                r.holds = Math.max(0, r.holds - 1);
            }
            flush(key);
        }
    }

    /** Sends what waited, if the connection is live now. */
    public void flush(ConnectionKey key) {
        Route r = routes.get(key);
        if (r == null) {
            return;
        }
        List<Pending> ready;
        GatewayConnection c;
        synchronized (r) {
            c = r.holds == 0 ? r.live.get() : null;
            if (c == null) {
                return;
            }
            ready = List.copyOf(r.queue);
            r.queue.clear();
        }
        ready.forEach(p -> dispatch(r, c, p));
    }

    private void dispatch(Route r, GatewayConnection c, Pending p) {
        try {
            lanes.submit(r.key + "\u0000" + p.op().channelId(), () -> {
                try {
                    String id = PluginRuntime.withLoader(r.loader.get(), () -> perform(c, p.op()));
                    onSent.accept(r.key);
                    p.result.complete(id);
                } catch (Throwable t) {
                    // Errors too (a plugin's LinkageError, a StackOverflowError): the caller learns this
                    // send failed, and the channel's later sends go on.
                    p.result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            p.result.completeExceptionally(new IllegalStateException(r.key + " channel " + p.op().channelId() + ": "
                    + CHANNEL_QUEUE + " sends are already waiting for this channel; the message was not sent, try again later"));
        }
    }

    private static String perform(GatewayConnection c, Outbound op) {
        if (op instanceof Outbound.Post o) {
            return c.post(o.channelId(), o.text());
        } else if (op instanceof Outbound.Reply o) {
            return c.reply(o.channelId(), o.threadId(), o.text());
        } else if (op instanceof Outbound.Edit o) {
            c.edit(o.channelId(), o.messageId(), o.text());
            return o.messageId();
        } else if (op instanceof Outbound.Delete o) {
            c.delete(o.channelId(), o.messageId());
            return o.messageId();
        } else if (op instanceof Outbound.React o) {
            c.react(o.channelId(), o.messageId(), o.emoji());
            return o.messageId();
        }
        throw new IllegalArgumentException("unknown outbound operation " + op);
    }

    private void expire(Route r, Pending p) {
        boolean removed;
        synchronized (r) {
            removed = r.queue.remove(p);
        }
        if (removed) {
            p.result.completeExceptionally(new IllegalStateException(r.key + " was not connected within "
                    + holdTimeout.toSeconds() + " s; the message was not sent"));
        }
    }

    private void failAll(Route r, String why) {
        List<Pending> all;
        synchronized (r) {
            all = List.copyOf(r.queue);
            r.queue.clear();
        }
        all.forEach(p -> p.result.completeExceptionally(new IllegalStateException(r.key + ": " + why)));
    }

    /** Fails everything still queued (shutdown). */
    public void close() {
        routes.values().forEach(r -> failAll(r, "the host is shutting down"));
    }

    /** @return operations waiting for a connection */
    public int queued(ConnectionKey key) {
        Route r = routes.get(key);
        if (r == null) {
            return 0;
        }
        synchronized (r) {
            return r.queue.size();
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("gatehouse.outbound.refused", lanes, SerialLanes::refused)
                .description("sends refused because their channel already had as many waiting as allowed").register(registry);
        Gauge.builder("gatehouse.outbound.queued", lanes, SerialLanes::queued)
                .description("sends waiting in channel queues for the one before them").register(registry);
    }
}
