package dev.gatehouse.host.events;

import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.host.exec.SerialLanes;
import dev.gatehouse.host.logging.LogContext;
import dev.gatehouse.host.time.Ticker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands inbound events to the embedding application's handlers exactly once: deduplicated on
 * (workspace, platform, event id) for a window after they were handled ({@link SeenEvents}), run on
 * host threads in order per channel ({@link SerialLanes}).
 *
 * <p>An event the host cannot take — its channel already has {@link #CHANNEL_QUEUE} events waiting,
 * the dedupe table is full, or the host is shutting down — is refused: {@link #deliver} completes
 * exceptionally at once, so the plugin does not acknowledge it and the platform redelivers it; a
 * platform that does not redeliver (Discord) has the message fetched back from the channel's history
 * ({@link #onRefused}, the backfill's holes). Nothing taken is dropped: a handler that throws, an
 * {@code Error} included, is logged and counted, and its channel goes on.
 */
public final class EventDispatcher implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    /** Events that may wait per channel behind the one being handled. */
    public static final int CHANNEL_QUEUE = SerialLanes.LANE_CAPACITY;
    /**
     * How long a channel's handler thread waits for the channel's next event before it gives the thread
     * back: in a burst the next events join it without a wake-up each (the plugin's read thread only queues
     * them) and are taken in one batch. Measured in alternating runs of bench section 3 (Discord, ratio to bare
     * JDA): 300 µs gave bursts 0.93×, 0.97×, 0.98× and push→handler p99 1.06×, 1.26×, 1.15×; 100 µs 0.98×, 0.74×,
     * 0.82× and 1.70×, 1.29×, 1.54× (fewer wake-ups of a third busy thread on 2 cores). A longer linger in which
     * the next event wakes the thread directly measured worse for bursts (10 ms: 0.78× and 0.76×): so the linger
     * is the lanes' batching part and nothing more.
     */
    static final Duration LANE_LINGER = SerialLanes.BATCHING_LINGER;
    /** How long shutdown waits, in all, for the handlers of events already taken. */
    public static final Duration DRAIN_BOUND = Duration.ofSeconds(10);

    private final SerialLanes lanes;
    private final Ticker ticker;
    private final List<InboundHandler> handlers = new CopyOnWriteArrayList<>();
    /** Thread-safe on its own: the plugin's thread takes events while handler threads finish others. */
    private final SeenEvents seen;
    private final int capacity;
    private final long windowMinutes;
    private final BiConsumer<String, String> onHandled;
    /** Told of each event once its handlers ran (the backfill ledger); host code, quick, never throws. */
    private volatile InboundHandler afterHandlers = (ws, p, e) -> { };
    /** Told of each event refused (the backfill fetches back a message its platform will not resend); host code, quick. */
    private volatile InboundHandler onRefused = (ws, p, e) -> { };
    /**
     * The events taken since the last {@link #drain} began. An event is settled once its delivery completed
     * and what the plugin chained on it (its acknowledgement) ran; a drain waits for that, not for the
     * deliveries themselves, whose other dependents may run first. One counter per period instead of an
     * entry per event: the plugin's thread and the handler threads share one word, not a map.
     */
    private volatile Phase phase = new Phase();
    /** Periods a drain ended whose events have not all settled yet. Guarded by this (drains only). */
    private final List<Phase> unsettled = new ArrayList<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    private final Map<Refusal, AtomicLong> refusals = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** The dedupe table's key: one event of one connection. */
    private record EventKey(String workspace, String platform, String eventId) {
    }

    /** A lane: one channel of one connection, its events handled one at a time in order. */
    private record ChannelKey(String workspace, String platform, String channelId) {
        @Override
        public String toString() {
            return workspace + "/" + platform + "/" + channelId;
        }
    }

    /** The events taken in one period between two drains; see {@link #phase}. */
    private static final class Phase {
        private final AtomicInteger inFlight = new AtomicInteger();
        private final CompletableFuture<Void> settled = new CompletableFuture<>();
        /** Set when a drain ends the period; from then on the count only goes down (to within a racing take). */
        private volatile boolean ended;

        void taken() {
            inFlight.incrementAndGet();
        }

        void settle() {
            // Either this sees the end, or the drain that sets it sees the count at zero (both are volatile).
            if (inFlight.decrementAndGet() == 0 && ended) {
                settled.complete(null);
            }
        }

        void end() {
            ended = true;
            if (inFlight.get() == 0) {
                settled.complete(null);
            }
        }
    }

    /** Why an event was not taken; the {@code reason} label. */
    enum Refusal {
        CHANNEL_QUEUE_FULL, DEDUPE_TABLE_FULL, SHUTTING_DOWN;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public EventDispatcher(Executor pool, Ticker ticker, Duration window, int maxRemembered) {
        this(pool, ticker, window, maxRemembered, (ws, p) -> { });
    }

    /**
     * As above, calling {@code onHandled(workspace, platform)} after each event's handlers ran.
     *
     * @param pool starts a thread for every task it is given; the lanes bound how many run at once
     * @param window how long a handled event's id is remembered
     * @param maxRemembered the dedupe table's bound (events running plus handled within the window)
     */
    public EventDispatcher(Executor pool, Ticker ticker, Duration window, int maxRemembered,
            BiConsumer<String, String> onHandled) {
        this.onHandled = onHandled;
        this.lanes = new SerialLanes(pool, SerialLanes.MAX_RUNNING, CHANNEL_QUEUE, LANE_LINGER);
        this.ticker = ticker;
        this.seen = new SeenEvents(window.toNanos(), maxRemembered);
        this.capacity = maxRemembered;
        this.windowMinutes = window.toMinutes();
        for (Refusal r : Refusal.values()) {
            refusals.put(r, new AtomicLong());
        }
    }

    public void addHandler(InboundHandler handler) {
        handlers.add(handler);
    }

    public void removeHandler(InboundHandler handler) {
        handlers.remove(handler);
    }

    /** Sets what is told of each event after all handlers ran on it, before its stage completes. */
    public void afterHandlers(InboundHandler recorder) {
        this.afterHandlers = recorder;
    }

    /** Sets what is told of each event refused, on the thread that delivered it. */
    public void onRefused(InboundHandler recorder) {
        this.onRefused = recorder;
    }

    /** Whether an event with this id was taken (being handled, or handled within the window). */
    public boolean alreadyTaken(String workspace, String platform, String eventId) {
        return seen.find(new EventKey(workspace, platform, eventId), ticker.nanos()) != null;
    }

    /** See {@link dev.gatehouse.api.InboundSink#deliver}. */
    public CompletionStage<Void> deliver(String workspace, String platform, InboundEvent event) {
        if (closed) {
            return refuse(workspace, platform, event, Refusal.SHUTTING_DOWN, platform + "/" + workspace
                    + ": the host is shutting down; event " + event.eventId() + " not taken, so the platform can redeliver it");
        }
        EventKey key = new EventKey(workspace, platform, event.eventId());
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> taken = seen.take(key, done, ticker.nanos());
        if (taken == SeenEvents.FULL) {
            return refuse(workspace, platform, event, Refusal.DEDUPE_TABLE_FULL, platform + "/" + workspace
                    + ": the dedupe table holds its maximum of " + capacity
                    + " events of the last " + windowMinutes + " min; event " + event.eventId()
                    + " not taken, so the platform can redeliver it later");
        }
        if (taken != null) {
            duplicates.incrementAndGet();
            return taken;
        }
        Phase p = phase;
        p.taken();
        try {
            lanes.submit(new ChannelKey(workspace, platform, event.channelId()),
                    () -> handle(workspace, platform, event, key, done, p));
        } catch (RejectedExecutionException e) {
            p.settle();
            seen.forget(key, done);
            // A redelivery that arrived meanwhile waits on this stage: it is refused too.
            done.completeExceptionally(refusal(Refusal.CHANNEL_QUEUE_FULL, platform + "/" + workspace + " channel "
                    + event.channelId() + ": " + CHANNEL_QUEUE + " events are already waiting for its handlers; event "
                    + event.eventId() + " not taken, so the platform can redeliver it"));
            tellRefused(workspace, platform, event);
            return done;
        }
        delivered.incrementAndGet();
        return done;
    }

    private void handle(String workspace, String platform, InboundEvent event, EventKey key, CompletableFuture<Void> done,
            Phase p) {
        try (LogContext ignored = LogContext.of(workspace, platform, -1)) {
            for (InboundHandler h : handlers) {
                try {
                    h.onEvent(workspace, platform, event);
                } catch (Throwable t) {
                    // Errors too: one handler's bug must not skip the others or stop the channel.
                    handlerFailures.incrementAndGet();
                    log.error("{}/{}: handler failed on event {}: {}", platform, workspace, event.eventId(), t.toString(), t);
                }
            }
        } finally {
            try {
                afterHandlers.onEvent(workspace, platform, event);
            } catch (Exception e) {
                log.warn("{}/{}: recording event {} as handled failed: {}", platform, workspace, event.eventId(), e.toString());
            }
            seen.finished(key, done, ticker.nanos());
            try {
                onHandled.accept(workspace, platform);
                // Completing runs what the plugin chained on the delivery (its acknowledgement) on this thread;
                // only then is the event settled, so a close that drains in-flight events cannot
                // shut the socket under an acknowledgement (unacknowledged, the platform would redeliver it).
                done.complete(null);
            } finally {
                p.settle();
            }
        }
    }

    private CompletableFuture<Void> refuse(String workspace, String platform, InboundEvent event, Refusal why, String message) {
        CompletableFuture<Void> refused = CompletableFuture.failedFuture(refusal(why, message));
        tellRefused(workspace, platform, event);
        return refused;
    }

    private void tellRefused(String workspace, String platform, InboundEvent event) {
        try {
            onRefused.onEvent(workspace, platform, event);
        } catch (Exception e) {
            log.warn("{}/{}: recording refused event {} failed: {}", platform, workspace, event.eventId(), e.toString());
        }
    }

    private IllegalStateException refusal(Refusal why, String message) {
        long n = refusals.get(why).incrementAndGet();
        if (n % 1000 == 1) {
            log.warn("{} ({} event(s) refused for this reason so far)", message, n);
        }
        return new IllegalStateException(message);
    }

    /**
     * Waits up to {@code bound} for the handlers of the events taken so far, and for what the plugin chained
     * on their deliveries (events taken meanwhile are not waited for).
     *
     * @return how many of them had not finished
     */
    public synchronized int drain(Duration bound) {
        Phase ended = phase;
        phase = new Phase();
        ended.end();
        unsettled.add(ended);
        unsettled.removeIf(p -> p.settled.isDone());
        try {
            CompletableFuture.allOf(unsettled.stream().map(p -> p.settled).toArray(CompletableFuture[]::new))
                    .get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // counted below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        unsettled.removeIf(p -> p.settled.isDone());
        return unsettled.stream().mapToInt(p -> Math.max(0, p.inFlight.get())).sum();
    }

    /** Events handed to handlers (duplicates excluded). */
    public long delivered() {
        return delivered.get();
    }

    /** Redeliveries recognised and not handed on. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Events not taken, whatever the reason. */
    public long refused() {
        return refusals.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Handler calls that threw. */
    public long handlerFailures() {
        return handlerFailures.get();
    }

    /** Refuses new events from now on; events already taken still run. */
    public void close() {
        closed = true;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Refusal r : Refusal.values()) {
            FunctionCounter.builder("gatehouse.events.refused", refusals.get(r), AtomicLong::get).tag("reason", r.label())
                    .description("inbound events not taken (not acknowledged, so the platform redelivers them)")
                    .register(registry);
        }
        FunctionCounter.builder("gatehouse.handler.failures", this, d -> d.handlerFailures() + d.lanes.errors())
                .description("handler calls that threw, Errors included; the channel went on").register(registry);
        Gauge.builder("gatehouse.events.queued", lanes, SerialLanes::queued)
                .description("inbound events waiting in channel queues for their handlers").register(registry);
        Gauge.builder("gatehouse.event.channels.waiting", lanes, SerialLanes::waitingLanes)
                .description("channels with events waiting for a handler thread (all running ones are busy)")
                .register(registry);
        Gauge.builder("gatehouse.dedupe.remembered", this, d -> d.remembered())
                .description("event ids in the dedupe table (running, or handled within the window)").register(registry);
    }

    private int remembered() {
        return seen.size();
    }
}
