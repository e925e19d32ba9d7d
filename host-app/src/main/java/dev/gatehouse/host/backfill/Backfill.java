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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    /**
     * The live connection of a key, the class loader its plugin runs with, and whether its platform
     * redelivers what the host did not take (Slack does; Discord does not).
     */
    public record Source(GatewayConnection connection, ClassLoader loader, boolean redelivers) {
    }

    /** How long after a refused message its hole is backfilled: time for the queue that refused it to drain. */
    public static final Duration HOLE_DELAY = Duration.ofSeconds(5);
    /** Backfills of one connection's holes before they are left to its next gap's backfill. */
    public static final int HOLE_ATTEMPTS = 6;
    private static final Duration HOLE_DELAY_CAP = Duration.ofSeconds(60);

    /**
     * A connection's channels with messages the host refused and the platform will not send again. Present
     * while their backfill is scheduled or running: a new refusal joins it. Guarded by Backfill.this.
     */
    private static final class Holes {
        final Set<String> channels = new HashSet<>();
        int attempts;
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
    /** Guarded by this. */
    private final Map<ConnectionKey, Holes> holes = new HashMap<>();
    private final Map<ConnectionKey, BackfillResult> last = new ConcurrentHashMap<>();
    /** Keys whose first session of this run came up (their previous-run ledger is accounted for). */
    private final Map<ConnectionKey, Boolean> upOnce = new ConcurrentHashMap<>();
    /** Cluster mode: the ledgers are shared by the hosts ({@link #share}). */
    private volatile boolean shared;
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

    /**
     * Cluster mode: the ledgers live in {@code store}, shared by every host, so that a host taking a
     * connection over backfills from where its previous owner left off. Before {@link #start()}.
     */
    public void share(LedgerStore store) {
        ledger.share(store);
        shared = true;
    }

    /**
     * Cluster mode: this host now owns the connection. Reads its shared ledger (blocking, bounded by the
     * store) and treats its next session as a first one: backfilled from the ledger's marks.
     */
    public void granted(ConnectionKey key) {
        if (shared) {
            ledger.reload(key);
            upOnce.remove(key);
        }
    }

    /** Writes the connection's ledger now (blocking): before another host may take it over. */
    public void flush(ConnectionKey key) {
        ledger.flush(key);
    }

    /** Starts writing the ledger about once a second when it changed. */
    public void start() {
        scheduleFlush();
        if (policy.stateDir().isEmpty() && !shared) {
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
                if (outage != null || policy.stateDir().isPresent() || shared) {
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
                    boolean began = start(key, session, s.channels(), start, src.get(), history.get(), r -> {
                        if (outage != null) {
                            publish.accept(outage.withBackfill(r.recovered(), r.complete(), r.detail()));
                        }
                    });
                    if (!began) {
                        notBackfilled(outage, closed ? "the host is shutting down"
                                : "a newer session came up before it began; the next backfill starts from where this gap began");
                    }
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

    /**
     * Begins a backfill of these channels unless a newer session came up since {@code session} (or the host
     * is closing).
     *
     * @param done told the result, after it was recorded
     * @return whether it began
     */
    private boolean start(ConnectionKey key, Object session, Map<String, ChannelMark> channels, Instant gapStart, Source src,
            MessageHistory history, Consumer<BackfillResult> done) {
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
        BackfillRun run = new BackfillRun(subject, policy, channels, clock.instant(), gapStart, pages, sink, scheduler, calls);
        synchronized (this) {
            if (latest.get(key) != session || closed) {
                run = null;
            } else {
                running.put(key, run);
            }
        }
        if (run == null) {
            return false;
        }
        BackfillRun started = run;
        log.info("{}: backfilling {} channel(s) since {}", subject, Math.min(channels.size(), policy.maxChannels()),
                gapStart == null ? "the last handled message" : gapStart);
        started.start().thenAccept(r -> {
            running.remove(key, started);
            last.put(key, r);
            log.info("{}: backfill {}: {}", subject, r.complete() ? "complete" : "incomplete", r.detail());
            done.accept(r);
        });
        return true;
    }

    /**
     * The host refused an event of this connection (its channel's queue or the dedupe table was full, or
     * the host was closing). A platform that redelivers sends it again; for one that does not, a message
     * is fetched back from the channel's history once the pressure had {@link #HOLE_DELAY} to ease, and
     * marked backfilled. Other kinds of event cannot be fetched back. Quick and host-only: called on the
     * thread that delivered the event.
     */
    public void refused(ConnectionKey key, InboundEvent event) {
        if (closed || !policy.enabled() || !(event instanceof MessageEvent m)) {
            return;
        }
        Optional<Source> src = sources.apply(key);
        String before = MessageIds.before(m.messageId());
        if (src.isEmpty() || src.get().redelivers() || before == null) {
            return;
        }
        ledger.hole(key, m.channelId(), before, clock.instant());
        synchronized (this) {
            Holes h = holes.get(key);
            if (h != null) {
                h.channels.add(m.channelId());
                return;
            }
            holes.put(key, h = new Holes());
            h.channels.add(m.channelId());
        }
        log.warn("{}/{}: message {} in channel {} was refused and {} does not send it again; fetching it from the"
                + " channel's history in {} s", key.platform(), key.workspace(), m.messageId(), m.channelId(), key.platform(),
                HOLE_DELAY.toSeconds());
        scheduleHoles(key, HOLE_DELAY);
    }

    private void scheduleHoles(ConnectionKey key, Duration delay) {
        if (!closed) {
            scheduler.schedule(delay, () -> backfillHoles(key));
        }
    }

    private void backfillHoles(ConnectionKey key) {
        Set<String> channels;
        boolean busy;
        Object session;
        synchronized (this) {
            Holes h = holes.get(key);
            if (h == null || closed) {
                return;
            }
            channels = Set.copyOf(h.channels);
            busy = running.containsKey(key);
            session = latest.computeIfAbsent(key, k -> new Object());
            if (!busy) {
                h.attempts++;
            }
        }
        if (busy) { // a gap's backfill is running: it starts from the holes too; look again after it
            scheduleHoles(key, HOLE_DELAY);
            return;
        }
        Map<String, ChannelMark> from = ledger.owedIn(key, channels);
        Optional<Source> src = sources.apply(key);
        if (from.isEmpty() || src.isEmpty()) {
            holesDone(key, channels, from.isEmpty() ? "" : "the connection is not live");
            return;
        }
        try {
            calls.execute(() -> {
                Optional<MessageHistory> history = historyOf(src.get());
                if (history.isEmpty()) {
                    synchronized (this) {
                        holes.remove(key);
                    }
                    log.warn("{}/{}: the plugin offers no message history; refused messages are not fetched back",
                            key.platform(), key.workspace());
                    return;
                }
                boolean began = start(key, session, from, clock.instant(), src.get(), history.get(),
                        r -> holesDone(key, channels, r.complete() ? "" : r.detail()));
                if (!began) {
                    holesDone(key, channels, "a newer session came up");
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down: the ledger keeps the holes for the restart's backfill
        }
    }

    /** A hole backfill ended (or could not begin): drops the channels paid, then tries again later or gives up. */
    private void holesDone(ConnectionKey key, Set<String> tried, String why) {
        Map<String, ChannelMark> still = ledger.owedIn(key, tried);
        Duration next;
        synchronized (this) {
            Holes h = holes.get(key);
            if (h == null) {
                return;
            }
            h.channels.removeIf(ch -> tried.contains(ch) && !still.containsKey(ch));
            if (h.channels.isEmpty()) {
                holes.remove(key);
                return;
            }
            if (h.attempts >= HOLE_ATTEMPTS) {
                holes.remove(key);
                log.warn("{}/{}: refused messages in {} channel(s) not fetched back after {} attempts ({}); the next"
                        + " gap's backfill starts from them", key.platform(), key.workspace(), h.channels.size(),
                        h.attempts, why);
                return;
            }
            long factor = 1L << Math.min(h.attempts, 10);
            Duration d = HOLE_DELAY.multipliedBy(factor);
            next = d.compareTo(HOLE_DELAY_CAP) > 0 ? HOLE_DELAY_CAP : d;
        }
        scheduleHoles(key, next);
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
