package dev.gatehouse.host.backfill;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.api.MessageHistory;
import dev.gatehouse.host.config.BackfillPolicy;
import dev.gatehouse.host.logging.LogContext;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches what a connection missed: when a session comes up fresh after a gap (not resumed), or for the
 * first time after a host restart, reads the platform's history of the channels the connection saw
 * messages in, from the last message handled there ({@link Ledger}), and hands the bot the messages it
 * never handled, marked {@link MessageEvent#backfilled()}. The gap's outage report, if any, waits for the
 * backfill and states what came back.
 *
 * <p>Called by the host's supervisor listener (one call at a time per connection) and by the
 * dispatcher after each handled event; at most one backfill runs per connection (a newer gap stops
 * the older backfill, or keeps one still queued from beginning; its report says so, and the newer one
 * starts from where the older one would have).
 */
public final class Backfill implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Backfill.class);
    /** How often the ledger is written when it changed. */
    static final Duration FLUSH_EVERY = Duration.ofSeconds(1);

    /** The live connection of a key and the class loader its plugin runs with. */
    public record Source(GatewayConnection connection, ClassLoader loader) {
    }

    /** The dispatcher, seen from here. */
    public interface Dispatch {
        boolean alreadyTaken(ConnectionKey key, String eventId);

        CompletionStage<Void> deliver(ConnectionKey key, MessageEvent event);
    }

    private final BackfillPolicy policy;
    private final Ledger ledger;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Executor calls;
    private final Dispatch dispatch;
    private final Function<ConnectionKey, Optional<Source>> sources;
    private final Consumer<OutageEvent> publish;
    /** Per key, the backfill running. Guarded by this, with {@link #latest}. */
    private final Map<ConnectionKey, BackfillRun> running = new ConcurrentHashMap<>();
    /**
     * Per key, the session whose backfill may begin: one decided but still queued begins only if no newer
     * session came up meanwhile. Guarded by this.
     */
    private final Map<ConnectionKey, Object> latest = new ConcurrentHashMap<>();
    private final Map<ConnectionKey, BackfillResult> last = new ConcurrentHashMap<>();
    /** Keys whose first session of this run came up (their previous-run ledger is accounted for). */
    private final Map<ConnectionKey, Boolean> upOnce = new ConcurrentHashMap<>();
    private volatile Scheduler.Cancellable flushes = Scheduler.Cancellable.NONE;
    private volatile boolean closed;

    /**
     * @param calls runs plugin calls and file writes (blocking)
     * @param publish receives each outage report once its backfill finished
     */
    public Backfill(BackfillPolicy policy, Scheduler scheduler, Clock clock, Executor calls, Dispatch dispatch,
            Function<ConnectionKey, Optional<Source>> sources, Consumer<OutageEvent> publish) {
        this.policy = policy;
        this.ledger = new Ledger(policy.stateDir(), policy.ledgerChannels(), clock);
        this.scheduler = scheduler;
        this.clock = clock;
        this.calls = calls;
        this.dispatch = dispatch;
        this.sources = sources;
        this.publish = publish;
    }

    /** Starts writing the ledger about once a second when it changed. */
    public void start() {
        scheduleFlush();
        if (policy.stateDir().isEmpty()) {
            log.info("backfill: no state folder configured (backfill.stateDir); gaps within a run are backfilled,"
                    + " a restart is only reported");
        }
    }

    private void scheduleFlush() {
        if (!closed) {
            flushes = scheduler.schedule(FLUSH_EVERY, () -> {
                try {
                    calls.execute(() -> {
                        ledger.flush();
                        scheduleFlush();
                    });
                } catch (RejectedExecutionException e) {
                    // shutting down: close() writes the last state
                }
            });
        }
    }

    /** An event's handlers finished: a message moves its channel's mark. */
    public void handled(String workspace, String platform, InboundEvent event) {
        if (event instanceof MessageEvent m) {
            ledger.handled(new ConnectionKey(workspace, platform), m.channelId(), m.messageId(), clock.instant());
        }
    }

    /** The connection went down: the gap's backfill will start from where it stands now. */
    public void down(ConnectionKey key) {
        ledger.freeze(key);
    }

    /**
     * A session came up.
     *
     * @param resumed whether the platform resumed the session (nothing was lost)
     * @param gapStart when the connection went down, or {@code null} if it was not down (first connect, swap)
     * @param outage the gap's report, or {@code null}; published here, after the backfill
     */
    public void sessionUp(ConnectionKey key, boolean resumed, Instant gapStart, OutageEvent outage) {
        boolean first = upOnce.putIfAbsent(key, Boolean.TRUE) == null;
        Object session = new Object();
        BackfillRun older;
        synchronized (this) {
            older = running.remove(key);
            latest.put(key, session);
        }
        if (older != null) {
            older.cancel("a newer session came up; the next backfill goes on from where this one began");
        }
        Ledger.Snapshot s = ledger.snapshot(key);
        ledger.settled(key);
        String skip = null;
        Instant from = gapStart;
        if (resumed) {
            skip = "resumed: the platform replayed what was missed";
        } else if (first) {
            if (!s.known()) {
                skip = s.unknownBecause();
                if (outage != null || policy.stateDir().isPresent()) {
                    log.info("{}: first session of this run not backfilled: {}", key, skip);
                }
            } else if (from == null) {
                from = s.savedAt();
            }
        } else if (gapStart == null) {
            skip = "no gap";
        }
        if (skip == null && !policy.enabled()) {
            skip = "backfill is disabled";
        }
        if (skip == null && s.channels().isEmpty()) {
            skip = "no channel with handled messages yet";
        }
        Optional<Source> src = skip == null ? sources.apply(key) : Optional.empty();
        if (skip == null && src.isEmpty()) {
            skip = "the connection is not live";
        }
        if (skip != null) {
            notBackfilled(outage, skip);
            return;
        }
        log.debug("{}: backfill decided for the session after the gap from {}", key, from);
        // Owed from now, not from when it begins: a newer session coming up before then starts from here too.
        ledger.owe(key, s.channels());
        Instant start = from;
        try {
            // history() is plugin code: never on the supervision thread that called us.
            calls.execute(() -> {
                Optional<MessageHistory> history = historyOf(src.get());
                if (history.isEmpty()) {
                    notBackfilled(outage, "the plugin offers no message history");
                } else {
                    start(key, session, s, start, src.get(), history.get(), outage);
                }
            });
        } catch (RejectedExecutionException e) {
            notBackfilled(outage, "the host is shutting down");
        }
    }

    private void notBackfilled(OutageEvent outage, String why) {
        if (outage != null) {
            log.warn("{}/{}: the gap from {} to {} is not backfilled: {}", outage.platform(), outage.workspace(),
                    outage.downFrom(), outage.upAt(), why);
            publish.accept(outage.withBackfill(0, false, "not backfilled: " + why));
        }
    }

    private void start(ConnectionKey key, Object session, Ledger.Snapshot s, Instant gapStart, Source src,
            MessageHistory history, OutageEvent outage) {
        String subject = key.platform() + "/" + key.workspace();
        BackfillRun.Pages pages = q -> {
            try (LogContext ignored = LogContext.of(key.workspace(), key.platform(), -1)) {
                return PluginRuntime.withLoader(src.loader(), () -> history.page(q));
            }
        };
        BackfillRun.Sink sink = new BackfillRun.Sink() {
            @Override
            public boolean alreadyTaken(String eventId) {
                return dispatch.alreadyTaken(key, eventId);
            }

            @Override
            public CompletionStage<Void> deliver(MessageEvent event) {
                return dispatch.deliver(key, event);
            }

            @Override
            public void channelComplete(String channelId) {
                ledger.paid(key, channelId);
            }
        };
        BackfillRun run = new BackfillRun(subject, policy, s.channels(), clock.instant(), gapStart, pages, sink, scheduler, calls);
        synchronized (this) {
            if (latest.get(key) != session || closed) {
                run = null;
            } else {
                running.put(key, run);
            }
        }
        if (run == null) {
            notBackfilled(outage, closed ? "the host is shutting down"
                    : "a newer session came up before it began; the next backfill starts from where this gap began");
            return;
        }
        BackfillRun started = run;
        log.info("{}: backfilling {} channel(s) since {}", subject, Math.min(s.channels().size(), policy.maxChannels()),
                gapStart == null ? "the last handled message" : gapStart);
        started.start().thenAccept(r -> {
            running.remove(key, started);
            last.put(key, r);
            log.info("{}: backfill {}: {}", subject, r.complete() ? "complete" : "incomplete", r.detail());
            if (outage != null) {
                publish.accept(outage.withBackfill(r.recovered(), r.complete(), r.detail()));
            }
        });
    }

    private Optional<MessageHistory> historyOf(Source src) {
        try {
            return PluginRuntime.withLoader(src.loader(), () -> src.connection().history());
        } catch (RuntimeException | LinkageError e) {
            log.warn("the plugin's history() threw {}; not backfilling", e.toString());
            return Optional.empty();
        }
    }

    /** The last backfill of a connection in this run, if any. */
    public Optional<BackfillResult> last(ConnectionKey key) {
        return Optional.ofNullable(last.get(key));
    }

    /** Stops running backfills and writes the ledger one last time. */
    @Override
    public void close() {
        List<BackfillRun> runs;
        synchronized (this) {
            closed = true;
            runs = List.copyOf(running.values());
        }
        flushes.cancel();
        runs.forEach(r -> r.cancel("the host is shutting down"));
        ledger.flush();
    }
}
