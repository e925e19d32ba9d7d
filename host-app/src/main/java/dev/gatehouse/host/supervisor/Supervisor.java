package dev.gatehouse.host.supervisor;

import static dev.gatehouse.host.status.ConnectionState.BACKING_OFF;
import static dev.gatehouse.host.status.ConnectionState.CONNECTED;
import static dev.gatehouse.host.status.ConnectionState.CONNECTING;
import static dev.gatehouse.host.status.ConnectionState.DISCONNECTED;
import static dev.gatehouse.host.status.ConnectionState.FAILED;
import static dev.gatehouse.host.status.ConnectionState.RECONNECTING;
import static dev.gatehouse.host.status.ConnectionState.STOPPED;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.exit.ProcessExit;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.supervisor.Attempt.Phase;
import dev.gatehouse.host.supervisor.HealthHandle.Signal;
import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Scheduler.Cancellable;
import dev.gatehouse.host.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;

/**
 * Supervises one connection (one workspace on one platform): the whole health state machine, in one
 * place. Plugins report transport facts through per-attempt {@link HealthHandle}s; this class decides
 * when to wait, reconnect, back off, give up (exit) or stop.
 *
 * <p>It is an actor: every signal, tick and command is a task in its {@link Mailbox}, run one at a time
 * on a host thread, so its state needs no lock and no thread ever waits for it. Every state write goes
 * through {@link #transition}; side effects (listeners, plugin calls handed to the blocking executor,
 * futures completed) run after the state change and the snapshot, never on the thread that sent a
 * signal; readers use the volatile {@link #status()} snapshot. A new connection is opened only once no
 * open or close of an earlier one is in flight ({@link CallLedger}); a planned reconnect of a CONNECTED
 * connection opens the new one before closing the old ({@link Handover}).
 */
public final class Supervisor {

    private final ConnectionKey key;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final Mailbox mailbox;
    private final Reports reports;
    private final Attempts attempts;
    private volatile SupervisorSnapshot snapshot;

    // Everything below is confined to the mailbox.
    private HealthPolicy policy;
    private ConnectionState state = STOPPED;
    private Instant stateSince;
    private int failures;
    private boolean networkDown;
    private boolean gaveUp;
    private final Downtime downtime = new Downtime();
    private final Liveness liveness = new Liveness();
    private final StormGuard storm = new StormGuard();
    private final Tally tally = new Tally();
    private final TickTimer ticks;
    private Cancellable backoffTimer = Cancellable.NONE;

    /** {@code supervision} runs the mailbox (direct in policy tests); {@code blocking} runs plugin calls. */
    public Supervisor(ConnectionKey key, Transport transport, HealthPolicy policy, Scheduler scheduler,
            Executor supervision, Executor blocking, Ticker ticker, Clock clock, DoubleSupplier jitter, ProcessExit exit,
            SupervisorListener listener) {
        this.key = key;
        this.policy = policy;
        this.scheduler = scheduler;
        this.ticker = ticker;
        this.clock = clock;
        this.jitter = jitter;
        this.stateSince = clock.instant();
        EpochLog epochLog = new EpochLog(key);
        this.mailbox = new Mailbox(key.toString(), supervision, () -> snapshot = buildSnapshot());
        this.reports = new Reports(key, mailbox, epochLog, listener, exit, tally);
        this.attempts = new Attempts(this, transport, scheduler, blocking, ticker, mailbox, () -> this.policy,
                new Attempts.Outcomes(a -> {
                    if (a.connectedSignal || !a.hookable) {
                        succeed(a);
                    }
                }, this::fail), epochLog, this::onHandedOver);
        this.ticks = new TickTimer(scheduler, mailbox, this::tick);
        this.snapshot = buildSnapshot();
    }

    public ConnectionKey key() {
        return key;
    }

    /** The latest snapshot; never blocks. */
    /** Supervisor tasks queued and not yet run. */
    int pendingTasks() {
        return mailbox.pending();
    }

    public ConnectionStatus status() {
        return snapshot.status();
    }

    /** The live connection, if the current attempt has one and it is connected. */
    public GatewayConnection liveConnection() {
        return snapshot.live();
    }

    /** Why this connection withholds the watchdog heartbeat right now, or {@code null}. Never blocks. */
    public String heartbeatWithheldBecause() {
        return snapshot.withholdReason(ticker.nanos());
    }

    /** An open or close of this connection has not returned within its bound. Never blocks. */
    public boolean hasHungCall() {
        return ticker.nanos() >= snapshot.hungDeadlineNanos();
    }

    public void setPolicy(HealthPolicy newPolicy) {
        mailbox.post(() -> {
            policy = newPolicy;
            if (ticks.isPending()) {
                ticks.every(networkDown ? newPolicy.fastCheckInterval() : newPolicy.checkInterval());
            }
        });
    }

    /** Starts supervising: opens the first connection and begins ticking. */
    public void start() {
        start(false, false);
    }

    /**
     * Starts again after a deliberate stop (a plugin swap). The time since the stop counts as
     * downtime; if {@code reportFreshSession}, coming back on a fresh session is reported as an outage
     * whatever the gap, because the platform does not redeliver what was sent meanwhile.
     */
    public void startAfterSwap(boolean reportFreshSession) {
        start(true, reportFreshSession);
    }

    private void start(boolean continueDowntime, boolean reportFreshSession) {
        mailbox.post(() -> {
            if (state != STOPPED) {
                return;
            }
            downtime.restart(ticker.nanos(), continueDowntime, reportFreshSession);
            gaveUp = false;
            failures = 0;
            beginAttempt(null, "start");
            ticks.every(policy.checkInterval());
        });
    }

    /** Stops supervising and closes the connection; completes once the close returned or timed out. */
    public CompletionStage<Void> stop(String cause) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        mailbox.post(() -> {
            ticks.cancel();
            backoffTimer.cancel();
            attempts.endCurrent();
            if (state != STOPPED) {
                transition(STOPPED, cause);
            }
            downtime.stopped(ticker.nanos(), clock.instant());
            attempts.whenIdle(policy.closeTimeout()).whenComplete((v, e) -> done.complete(null));
        });
        return done;
    }

    /** Completes once no open or close of this connection is in flight (unbounded: a hung call keeps it open). */
    public CompletionStage<Void> quiesced() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        mailbox.post(() -> attempts.whenIdle(null).whenComplete((v, e) -> done.complete(null)));
        return done;
    }

    /** An operator's reconnect: single-flight with every other attempt, refused while the network is down. */
    public CompletionStage<ReconnectResult> reconnect() {
        CompletableFuture<ReconnectResult> result = new CompletableFuture<>();
        mailbox.post(() -> {
            ReconnectResult early = manualRefusal();
            if (early != null) {
                mailbox.effect(() -> result.complete(early));
            } else {
                attempts.probeNetwork(up -> {
                    ReconnectResult r = manualReconnect(up);
                    mailbox.effect(() -> result.complete(r));
                });
            }
        });
        return result;
    }

    /** Decided after the network probe: the state may have changed meanwhile. */
    private ReconnectResult manualReconnect(boolean networkUp) {
        ReconnectResult refused = manualRefusal();
        if (refused != null || !networkUp) {
            return refused != null ? refused : ReconnectResult.NETWORK_DOWN;
        }
        failures = state == FAILED ? 0 : failures;
        plannedReconnect(ReconnectKind.MANUAL, "reconnect requested");
        return ReconnectResult.STARTED;
    }

    private ReconnectResult manualRefusal() {
        boolean busy = state == CONNECTING || state == RECONNECTING || attempts.candidate() != null;
        return state == STOPPED || gaveUp ? ReconnectResult.NOT_RUNNING : busy ? ReconnectResult.ALREADY_IN_PROGRESS : null;
    }

    /** Replaces a CONNECTED connection by one opened on {@code target} (a new plugin version); see {@link Handover}. */
    public CompletionStage<HandoverResult> handover(Transport target, String cause) {
        CompletableFuture<HandoverResult> result = new CompletableFuture<>();
        mailbox.post(() -> attempts.handover().request(target, cause, state, gaveUp, result));
        return result;
    }

    /** A reconnect the host chose: make before break if CONNECTED, else (nothing live to keep) break first. */
    private void plannedReconnect(ReconnectKind kind, String cause) {
        reports.reconnect(kind);
        if (attempts.handover().begin(attempts.transport(), kind, cause, state == CONNECTED, null) != null) {
            beginAttempt(kind, cause);
        }
    }

    /** The candidate of a handover became current; its predecessor's close is issued. */
    private void onHandedOver(Attempt a) {
        storm.reset();
        failures = 0;
        liveness.alive(ticker.nanos());
        if (state != CONNECTED) {
            backUp(a.resumed, "handed over to epoch " + a.epoch); // the old one had dropped meanwhile
        }
    }

    /** The supervisor's ticker, read by plugin threads marking a sign of life. */
    long nanos() {
        return ticker.nanos();
    }

    boolean isCurrent(HealthHandle h) {
        return attempts.isCurrent(h);
    }

    void onSignal(HealthHandle h, Signal s) {
        mailbox.post(() -> {
            Attempt a = attempts.current();
            if (attempts.handover().onSignal(h, s)) {
                return;
            }
            if (a == null || h != a.handle || a.retired) {
                tally.superseded++;
                return;
            }
            handle(a, s, ticker.nanos());
        });
    }

    private void handle(Attempt a, Signal s, long now) {
        if (s instanceof Signal.Connected c) {
            liveness.alive(now);
            attempts.connected(now, c.resumed());
            a.connectedSignal = true;
            a.resumed = c.resumed();
            if (a.phase == Phase.OPENING && a.openReturned) {
                succeed(a);
            } else if (state == DISCONNECTED) {
                reports.reconnect(ReconnectKind.LIBRARY);
                backUp(c.resumed(), "library reconnected" + (c.resumed() ? " (resumed)" : ""));
            }
        } else if (s instanceof Signal.Disconnected d) {
            a.connectedSignal = false;
            int losses = storm.record(now, policy.stormWindow().toNanos());
            if (state == CONNECTED) {
                downtime.down(now, clock.instant());
                transition(DISCONNECTED, d.cause());
            }
            if (policy.stormGuard() && losses > policy.stormMaxDisconnects()
                    && (a.phase == Phase.LIVE || a.phase == Phase.OPENING)) {
                reports.reconnect(ReconnectKind.STORM);
                fail(a, "reconnect storm: " + losses + " socket losses within "
                        + policy.stormWindow().toSeconds() + " s (last: " + d.cause() + "); closing and backing off");
            }
        } else if (s instanceof Signal.Fatal f) {
            fatal(a, f.cause());
        } else if (s instanceof Signal.NotHookable n) {
            a.hookable = false;
            liveness.alive(now);
            logLater(false, "transport not hookable ({}); judging liveness by event recency", n.reason());
            if (a.phase == Phase.OPENING && a.openReturned) {
                succeed(a);
            }
        } else if (s instanceof Signal.Sockets || s instanceof Signal.ServerConnections) {
            String warning = tally.census(s);
            if (warning != null) {
                logLater(false, "{}", warning);
            }
        } else {
            throw new IllegalStateException(key + ": unknown signal " + s);
        }
    }

    private void tick() {
        if (state == STOPPED || state == FAILED || gaveUp) {
            return;
        }
        long now = ticker.nanos();
        ticks.every(networkDown ? policy.fastCheckInterval() : policy.checkInterval());
        if (isStale(now)) {
            tally.staleDetections++;
            long seen = attempts.epoch();
            attempts.probeNetwork(up -> onStaleProbe(seen, up));
            return;
        }
        if (state == CONNECTED && networkDown) {
            networkDown = false;
            ticks.every(policy.checkInterval());
        }
        String flapping = policy.flapDetection() && (state == CONNECTED || state == DISCONNECTED) && attempts.candidate() == null
                ? downtime.flap().actBecause(now, policy.flapWindow(), policy.flapDownRatio()) : null;
        if (flapping != null) {
            plannedReconnect(ReconnectKind.FLAP, flapping);
        }
    }

    private void onStaleProbe(long seenEpoch, boolean up) {
        long now = ticker.nanos();
        if (attempts.epoch() != seenEpoch || !isStale(now)) {
            return;
        }
        reports.stale(up);
        String why = liveness.why(attempts.current(), downtime, now, policy.staleAfter());
        if (!up) {
            networkIsDown(why + ", but the network is down: not reconnecting");
            ticks.every(policy.fastCheckInterval());
            return;
        }
        networkDown = false;
        reports.reconnect(ReconnectKind.FORCED);
        beginAttempt(ReconnectKind.FORCED, why);
    }

    private boolean isStale(long now) {
        return liveness.isStale(attempts.current(), state, downtime, now, policy.staleAfter());
    }

    /** Supersedes the current attempt (and a handover's candidate) and starts a new one; the old connection is closed first. */
    private void beginAttempt(ReconnectKind kind, String cause) {
        if (attempts.current() != null && state == CONNECTED) {
            downtime.down(ticker.nanos(), clock.instant());
        }
        backoffTimer.cancel();
        Attempt a = attempts.next(kind);
        storm.reset();
        tally.sockets = 0;
        transition(state == STOPPED ? CONNECTING : RECONNECTING, cause);
        attempts.launch(a);
    }

    private void succeed(Attempt a) {
        a.phase = Phase.LIVE;
        a.timeout.cancel();
        failures = 0;
        networkDown = false;
        liveness.alive(ticker.nanos());
        backUp(a.resumed, a.resumed ? "connected (resumed)" : "connected");
        ticks.every(policy.checkInterval());
    }

    /** The transport is up again after an attempt or a library heal: outage report, downtime, state. */
    private void backUp(boolean resumed, String cause) {
        Instant downFrom = downtime.since();
        Downtime.Gap gap = downtime.up(key, ticker.nanos(), clock.instant(), resumed, policy.outageReportAfter());
        if (gap != null) {
            reports.gap(attempts.epoch(), gap);
        }
        reports.sessionUp(attempts.epoch(), resumed, downFrom, gap);
        transition(CONNECTED, cause);
    }

    /** The one failure path of an attempt: count it, close its connection, then back off or give up. */
    private void fail(Attempt a, String cause) {
        if (a != attempts.current() || a.phase == Phase.DONE) {
            return;
        }
        attempts.end(a);
        tally.lastError = cause;
        if (a.notOwned) {
            // Not the connection's failure: this host may not run it now; the ownership decides what follows.
            ticks.cancel();
            transition(STOPPED, cause);
            downtime.stopped(ticker.nanos(), clock.instant());
            return;
        }
        failures++;
        if (failures >= policy.maxReconnectAttempts()) {
            gaveUp = true;
            ticks.cancel();
            transition(STOPPED, "gave up: " + cause);
            reports.gaveUp(attempts.epoch(), failures, cause);
            return;
        }
        Duration delay = Backoff.delay(failures, policy.backoffBase(), policy.backoffCap(), jitter.getAsDouble());
        transition(BACKING_OFF, cause + "; attempt " + failures + " of " + policy.maxReconnectAttempts()
                + " failed, next in " + delay.toMillis() + " ms");
        backoffTimer = scheduler.schedule(delay, () -> mailbox.post(this::onBackoffElapsed));
    }

    private void onBackoffElapsed() {
        if (state != BACKING_OFF) {
            return;
        }
        long seen = attempts.epoch();
        attempts.probeNetwork(up -> {
            if (state != BACKING_OFF || attempts.epoch() != seen) {
                return; // answered after a stop, a restart or another failure: that one has its own timer
            }
            if (!up) {
                networkIsDown("network down: postponing the next attempt");
                backoffTimer = scheduler.schedule(policy.fastCheckInterval(), () -> mailbox.post(this::onBackoffElapsed));
                return;
            }
            networkDown = false;
            beginAttempt(null, "retry after backoff");
        });
    }

    private void networkIsDown(String what) {
        if (!networkDown) {
            logLater(false, "{}, checking every {} s", what, policy.fastCheckInterval().toSeconds());
        }
        networkDown = true;
    }

    private void fatal(Attempt a, String cause) {
        attempts.end(a);
        backoffTimer.cancel();
        ticks.cancel();
        tally.lastError = cause;
        logLater(true, "fatal: {}; not reconnecting until an operator intervenes", cause);
        transition(FAILED, cause);
    }

    private void transition(ConnectionState to, String cause) {
        ConnectionState from = state;
        Transitions.check(key, attempts.epoch(), from, to);
        state = to;
        stateSince = clock.instant();
        reports.transition(attempts.epoch(), from, to, cause);
    }

    private void logLater(boolean error, String format, Object... args) {
        reports.log(attempts.epoch(), error, format, args);
    }

    private SupervisorSnapshot buildSnapshot() {
        Attempt a = attempts.current();
        boolean hookable = a == null || a.hookable;
        ConnectionStatus st = tally.status(key, state, attempts.epoch(), stateSince, state == CONNECTED && !hookable,
                failures, networkDown, hookable, downtime.since());
        GatewayConnection live = a != null && a.phase == Phase.LIVE ? a.connection : null;
        return new SupervisorSnapshot(st, live, attempts.earliestDeadline()).stamped(ticker.nanos());
    }
}
