package dev.gatehouse.host.events;

import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.host.InboundHandler;
import dev.gatehouse.host.exec.SerialLanes;
import dev.gatehouse.host.logging.LogContext;
import dev.gatehouse.host.time.Ticker;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands inbound events to the embedding application's handlers exactly once: deduplicated on
 * (workspace, platform, event id) within a window, run on host threads, in order per channel.
 */
public final class EventDispatcher {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final SerialLanes lanes;
    private final Ticker ticker;
    private final long windowNanos;
    private final int maxRemembered;
    private final List<InboundHandler> handlers = new CopyOnWriteArrayList<>();
    /** Guarded by this. Insertion-ordered, so the oldest entries expire first. */
    private final LinkedHashMap<String, Seen> seen = new LinkedHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final java.util.function.BiConsumer<String, String> onHandled;
    /** Events taken but not finished, by workspace and platform. */
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private volatile boolean closed;

    private record Seen(long atNanos, CompletableFuture<Void> done) {
    }

    public EventDispatcher(Executor pool, Ticker ticker, Duration window, int maxRemembered) {
        this(pool, ticker, window, maxRemembered, (ws, p) -> { });
    }

    /** As above, calling {@code onHandled(workspace, platform)} after each event's handlers ran. */
    public EventDispatcher(Executor pool, Ticker ticker, Duration window, int maxRemembered,
            java.util.function.BiConsumer<String, String> onHandled) {
        this.onHandled = onHandled;
        this.lanes = new SerialLanes(pool);
        this.ticker = ticker;
        this.windowNanos = window.toNanos();
        this.maxRemembered = maxRemembered;
    }

    public void addHandler(InboundHandler handler) {
        handlers.add(handler);
    }

    public void removeHandler(InboundHandler handler) {
        handlers.remove(handler);
    }

    /** See {@link dev.gatehouse.api.InboundSink#deliver}. */
    public CompletionStage<Void> deliver(String workspace, String platform, InboundEvent event) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the host is shutting down"));
        }
        String key = workspace + '\u0000' + platform + '\u0000' + event.eventId();
        CompletableFuture<Void> done;
        synchronized (this) {
            long now = ticker.nanos();
            expire(now);
            Seen s = seen.get(key);
            if (s != null) {
                duplicates.incrementAndGet();
                return s.done;
            }
            done = new CompletableFuture<>();
            seen.put(key, new Seen(now, done));
        }
        delivered.incrementAndGet();
        java.util.concurrent.atomic.AtomicInteger pending = inFlight.computeIfAbsent(workspace + '\u0000' + platform,
                k -> new java.util.concurrent.atomic.AtomicInteger());
        pending.incrementAndGet();
        lanes.submit(workspace + '\u0000' + platform + '\u0000' + event.channelId(), () -> {
            try (LogContext ignored = LogContext.of(workspace, platform, -1)) {
                for (InboundHandler h : handlers) {
                    try {
                        h.onEvent(workspace, platform, event);
                    } catch (Exception | LinkageError e) {
                        log.error("{}/{}: handler failed on event {}: {}", platform, workspace, event.eventId(), e.toString(), e);
                    }
                }
            } finally {
                pending.decrementAndGet();
                try {
                    onHandled.accept(workspace, platform);
                } finally {
                    done.complete(null);
                }
            }
        });
        return done;
    }

    private void expire(long now) {
        for (Iterator<Map.Entry<String, Seen>> it = seen.entrySet().iterator(); it.hasNext();) {
            Seen s = it.next().getValue();
            if (seen.size() > maxRemembered || now - s.atNanos > windowNanos && s.done.isDone()) {
                it.remove();
            } else {
                break;
            }
        }
    }

    /** Events of one connection taken and not yet finished by the handlers. */
    public int inFlight(String workspace, String platform) {
        java.util.concurrent.atomic.AtomicInteger n = inFlight.get(workspace + '\u0000' + platform);
        return n == null ? 0 : n.get();
    }

    /** Events handed to handlers (duplicates excluded). */
    public long delivered() {
        return delivered.get();
    }

    /** Redeliveries recognised and not handed on. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Refuses new events from now on; events already taken still run. */
    public void close() {
        closed = true;
    }
}
