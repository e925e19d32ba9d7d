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
import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.exit.ProcessExit;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.status.OutageEvent;
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
 * open or close of an earlier one is in flight ({@link CallLedger}).
 */
public final class Supervisor {

    private final ConnectionKey key;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final ProcessExit exit;
    private final SupervisorListener listener;
    private final Mailbox mailbox;
    private final EpochLog epochLog;
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
        this.exit = exit;
        this.listener = listener;
        this.stateSince = clock.instant();
        this.epochLog = new EpochLog(key);
        this.mailbox = new Mailbox(key.toString(), supervision, () -> snapshot = buildSnapshot());
        this.attempts = new Attempts(this, transport, scheduler, blocking, ticker, mailbox, () -> this.policy,
                new Attempts.Outcomes(a -> {
                    if (a.connectedSignal || !a.hookable) {
                        succeed(a);
                    }
                }, this::fail));
        this.ticks = new TickTimer(scheduler, mailbox, this::tick);
        this.snapshot = buildSnapshot();
    }

    public ConnectionKey key() {
        return key;
    }

    /** The latest snapshot; never blocks. */
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
            if (attempts.current() != null) {
                attempts.end(attempts.current());
            }
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
                return;
            }
            attempts.probeNetwork(up -> {
                ReconnectResult r = manualRefusal();
                if (r == null && !up) {
                    r = ReconnectResult.NETWORK_DOWN;
                }
                if (r == null) {
                    if (state == FAILED) {
                        failures = 0;
                    }
                    countReconnect(ReconnectKind.MANUAL);
                    beginAttempt(ReconnectKind.MANUAL, "reconnect requested");
                    r = ReconnectResult.STARTED;
                }
                ReconnectResult fr = r;
                mailbox.effect(() -> result.complete(fr));
            });
        });
        return result;
    }

    private ReconnectResult manualRefusal() {
        return state == STOPPED || gaveUp ? ReconnectResult.NOT_RUNNING
                : state == CONNECTING || state == RECONNECTING ? ReconnectResult.ALREADY_IN_PROGRESS : null;
    }

    boolean isCurrent(HealthHandle h) {
        return attempts.isCurrent(h);
    }

    void onSignal(HealthHandle h, Signal s) {
        mailbox.post(() -> {
            Attempt a = attempts.current();
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
            a.connectedSignal = true;
            a.resumed = c.resumed();
            if (a.phase == Phase.OPENING && a.openReturned) {
                succeed(a);
            } else if (state == DISCONNECTED) {
                countReconnect(ReconnectKind.LIBRARY);
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
                countReconnect(ReconnectKind.STORM);
                fail(a, "reconnect storm: " + losses + " socket losses within "
                        + policy.stormWindow().toSeconds() + " s (last: " + d.cause() + "); closing and backing off");
            }
        } else if (s == Signal.Alive.INSTANCE) {
            liveness.alive(now);
        } else if (s instanceof Signal.Fatal f) {
            fatal(a, f.cause());
        } else if (s instanceof Signal.NotHookable n) {
            a.hookable = false;
            liveness.alive(now);
            logLater(false, "transport not hookable ({}); judging liveness by event recency", n.reason());
            if (a.phase == Phase.OPENING && a.openReturned) {
                succeed(a);
            }
        } else if (s instanceof Signal.Sockets n) {
            tally.sockets = n.count();
        } else if (s instanceof Signal.ServerConnections n) {
            if (tally.serverConnections(n.count())) {
                logLater(false, "the platform counts {} connections for this app but this host holds {}:"
                        + " another process is consuming this app's events", n.count(), Math.max(1, tally.sockets));
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
        FlapDetector flap = downtime.flap();
        if (policy.flapDetection() && (state == CONNECTED || state == DISCONNECTED)
                && flap.shouldAct(now, policy.flapWindow().toNanos(), policy.flapDownRatio())) {
            countReconnect(ReconnectKind.FLAP);
            beginAttempt(ReconnectKind.FLAP, String.format("flapping: down %.0f%% of the last %d s",
                    100 * flap.downRatio(now, policy.flapWindow().toNanos()), policy.flapWindow().toSeconds()));
        }
    }

    private void onStaleProbe(long seenEpoch, boolean up) {
        long now = ticker.nanos();
        if (attempts.epoch() != seenEpoch || !isStale(now)) {
            return;
        }
        mailbox.effect(() -> listener.onStale(key, up));
        String why = liveness.why(attempts.current(), downtime, now, policy.staleAfter());
        if (!up) {
            networkIsDown(why + ", but the network is down: not reconnecting");
            ticks.every(policy.fastCheckInterval());
            return;
        }
        networkDown = false;
        countReconnect(ReconnectKind.FORCED);
        beginAttempt(ReconnectKind.FORCED, why);
    }

    private boolean isStale(long now) {
        return liveness.isStale(attempts.current(), state, downtime, now, policy.staleAfter());
    }

    /** Supersedes the current attempt and starts a new one; the old connection is closed first. */
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
            mailbox.effect(() -> listener.onDowntime(key, gap.length()));
        }
        if (gap != null && gap.outage() != null) {
            OutageEvent o = gap.outage();
            tally.lastOutage = o;
            logLater(true, "outage: down from {} to {} ({} s) on a fresh session; events may have been lost",
                    o.downFrom(), o.upAt(), gap.length().toSeconds());
            mailbox.effect(() -> listener.onOutage(o));
        }
        long epoch = attempts.epoch();
        mailbox.effect(() -> listener.onSessionUp(key, epoch, resumed, downFrom, gap == null ? null : gap.outage()));
        transition(CONNECTED, cause);
    }

    /** The one failure path of an attempt: count it, close its connection, then back off or give up. */
    private void fail(Attempt a, String cause) {
        if (a != attempts.current() || a.phase == Phase.DONE) {
            return;
        }
        attempts.end(a);
        failures++;
        tally.lastError = cause;
        if (failures >= policy.maxReconnectAttempts()) {
            gaveUp = true;
            ticks.cancel();
            String reason = key + ": " + failures + " consecutive failed connection attempts, the last: " + cause;
            transition(STOPPED, "gave up: " + cause);
            logLater(true, "giving up after {} consecutive failed attempts (last: {})", failures, cause);
            tally.lastError = "gave up after " + failures + " consecutive failed attempts; the last: " + cause;
            mailbox.effect(() -> listener.onGiveUp(key, reason));
            mailbox.effect(() -> exit.exit(ExitCodes.RECONNECTS_EXHAUSTED, reason));
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
        long e = attempts.epoch();
        logLater(false, "{} -> {} ({})", from, to, cause);
        mailbox.effect(() -> listener.onTransition(key, e, from, to, cause));
    }

    private void logLater(boolean error, String format, Object... args) {
        mailbox.effect(epochLog.line(attempts.epoch(), error, format, args));
    }

    private SupervisorSnapshot buildSnapshot() {
        Attempt a = attempts.current();
        boolean hookable = a == null || a.hookable;
        ConnectionStatus st = tally.status(key, state, attempts.epoch(), stateSince, state == CONNECTED && !hookable,
                failures, networkDown, hookable, downtime.since());
        GatewayConnection live = a != null && a.phase == Phase.LIVE ? a.connection : null;
        return new SupervisorSnapshot(st, live, attempts.earliestDeadline()).stamped(ticker.nanos());
    }

    private void countReconnect(ReconnectKind kind) {
        tally.reconnect(kind);
        mailbox.effect(() -> listener.onReconnect(key, kind));
    }
}
