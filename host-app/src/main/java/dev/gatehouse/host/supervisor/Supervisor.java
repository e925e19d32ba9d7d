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
import dev.gatehouse.host.logging.LogContext;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.status.OutageEvent;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.supervisor.Attempt.Phase;
import dev.gatehouse.host.supervisor.CallLedger.Call;
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
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    /** Outcome of {@link #reconnect()}. */
    public enum ReconnectResult {
        STARTED("reconnect started"),
        ALREADY_IN_PROGRESS("reconnect already in progress"),
        NETWORK_DOWN("network unreachable"),
        NOT_RUNNING("connection is not running");

        public final String message;

        ReconnectResult(String message) {
            this.message = message;
        }
    }

    private final ConnectionKey key;
    private final Transport transport;
    private final Scheduler scheduler;
    private final Executor blocking;
    private final Ticker ticker;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final ProcessExit exit;
    private final SupervisorListener listener;
    private final Mailbox mailbox;
    /** The handle signals must come from; read from any thread by {@link HealthHandle#isCurrent()}. */
    private volatile HealthHandle currentHandle;
    private volatile SupervisorSnapshot snapshot;

    // Everything below is confined to the mailbox.
    private HealthPolicy policy;
    private ConnectionState state = STOPPED;
    private Instant stateSince;
    private long epoch;
    private Attempt attempt;
    private long lastAliveNanos;
    private int failures;
    private boolean networkDown;
    private boolean gaveUp;
    private final Downtime downtime = new Downtime();
    private final CallLedger calls = new CallLedger();
    private final StormGuard storm = new StormGuard();
    private final Tally tally = new Tally();
    private Cancellable tickTimer = Cancellable.NONE;
    private Duration tickPeriod;
    private Cancellable backoffTimer = Cancellable.NONE;
    private CompletableFuture<Void> stopped = CompletableFuture.completedFuture(null);

    /**
     * @param supervision the host executor the mailbox runs on (a direct executor in policy tests)
     * @param blocking where plugin calls (open, close) run; the supervisor bounds them itself
     */
    public Supervisor(ConnectionKey key, Transport transport, HealthPolicy policy, Scheduler scheduler,
            Executor supervision, Executor blocking, Ticker ticker, Clock clock, DoubleSupplier jitter, ProcessExit exit,
            SupervisorListener listener) {
        this.key = key;
        this.transport = transport;
        this.policy = policy;
        this.scheduler = scheduler;
        this.blocking = blocking;
        this.ticker = ticker;
        this.clock = clock;
        this.jitter = jitter;
        this.exit = exit;
        this.listener = listener;
        this.stateSince = clock.instant();
        this.mailbox = new Mailbox(key.toString(), supervision, () -> snapshot = buildSnapshot());
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

    public void setPolicy(HealthPolicy newPolicy) {
        mailbox.post(() -> {
            policy = newPolicy;
            if (!tickTimer.equals(Cancellable.NONE)) {
                scheduleTick(networkDown ? newPolicy.fastCheckInterval() : newPolicy.checkInterval());
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
            stopped = new CompletableFuture<>();
            beginAttempt(null, "start");
            scheduleTick(policy.checkInterval());
        });
    }

    /** Stops supervising and closes the connection; completes once the close returned or timed out. */
    public CompletionStage<Void> stop(String cause) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        mailbox.post(() -> {
            cancelTick();
            backoffTimer.cancel();
            if (attempt != null) {
                attempt.timeout.cancel();
                attempt.phase = Phase.DONE;
                retire(attempt);
            }
            if (state != STOPPED) {
                transition(STOPPED, cause);
            }
            downtime.stopped(ticker.nanos(), clock.instant());
            CompletableFuture<Void> s = stopped;
            mailbox.effect(() -> s.whenComplete((v, e) -> done.complete(null)));
            if (calls.isEmpty()) {
                mailbox.effect(() -> s.complete(null));
            } else {
                scheduler.schedule(policy.closeTimeout(), () -> mailbox.post(() -> mailbox.effect(() -> s.complete(null))));
            }
        });
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
            probeNetwork(up -> {
                ReconnectResult r = manualRefusal();
                if (r == null && !up) {
                    r = ReconnectResult.NETWORK_DOWN;
                }
                if (r == null) {
                    backoffTimer.cancel();
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
        if (state == STOPPED || gaveUp) {
            return ReconnectResult.NOT_RUNNING;
        }
        if (state == CONNECTING || state == RECONNECTING) {
            return ReconnectResult.ALREADY_IN_PROGRESS;
        }
        return null;
    }

    boolean isCurrent(HealthHandle h) {
        return h == currentHandle;
    }

    void onSignal(HealthHandle h, Signal s) {
        mailbox.post(() -> {
            Attempt a = attempt;
            if (a == null || h != a.handle || a.retired) {
                tally.superseded++;
                return;
            }
            handle(a, s, ticker.nanos());
        });
    }

    private void handle(Attempt a, Signal s, long now) {
        if (s instanceof Signal.Connected c) {
            lastAliveNanos = now;
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
            lastAliveNanos = now;
        } else if (s instanceof Signal.Fatal f) {
            fatal(a, f.cause());
        } else if (s instanceof Signal.NotHookable n) {
            a.hookable = false;
            lastAliveNanos = now;
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
        tickTimer = Cancellable.NONE;
        if (state == STOPPED || state == FAILED || gaveUp) {
            return;
        }
        long now = ticker.nanos();
        scheduleTick(networkDown ? policy.fastCheckInterval() : policy.checkInterval());
        if (isStale(now)) {
            tally.staleDetections++;
            long seen = epoch;
            probeNetwork(up -> onStaleProbe(seen, up));
            return;
        }
        if (state == CONNECTED && networkDown) {
            networkDown = false;
            scheduleTick(policy.checkInterval());
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
        if (epoch != seenEpoch || !isStale(now)) {
            return;
        }
        mailbox.effect(() -> listener.onStale(key, up));
        String why = attempt.hookable
                ? "down for " + downtime.downFor(now).toSeconds() + " s (stale after " + policy.staleAfter().toSeconds() + " s)"
                : "no sign of life for " + seconds(now - lastAliveNanos) + " s (transport not hookable)";
        if (!up) {
            if (!networkDown) {
                logLater(false, "{}, but the network is down: not reconnecting, checking every {} s", why,
                        policy.fastCheckInterval().toSeconds());
            }
            networkDown = true;
            scheduleTick(policy.fastCheckInterval());
            return;
        }
        networkDown = false;
        countReconnect(ReconnectKind.FORCED);
        beginAttempt(ReconnectKind.FORCED, why);
    }

    private boolean isStale(long now) {
        if (attempt == null || attempt.phase != Phase.LIVE) {
            return false;
        }
        if (!attempt.hookable) {
            return now - lastAliveNanos > policy.staleAfter().toNanos();
        }
        return state == DISCONNECTED && downtime.isDown() && downtime.downFor(now).compareTo(policy.staleAfter()) > 0;
    }

    /** Supersedes the current attempt and starts a new one; the old connection is closed first. */
    private void beginAttempt(ReconnectKind kind, String cause) {
        long now = ticker.nanos();
        Attempt old = attempt;
        if (old != null) {
            old.timeout.cancel();
            old.phase = Phase.DONE;
            retire(old);
            if (state == CONNECTED) {
                downtime.down(now, clock.instant());
            }
        }
        epoch++;
        Attempt a = new Attempt(this, key, epoch, kind);
        attempt = a;
        currentHandle = a.handle;
        storm.reset();
        tally.sockets = 0;
        transition(state == STOPPED ? CONNECTING : RECONNECTING, cause);
        Call hung = calls.hungAt(now).orElse(null);
        if (hung != null) {
            fail(a, hung.what() + " of epoch " + hung.epoch() + " still has not returned after "
                    + seconds(now - hung.deadlineNanos()) + " s past its bound; not opening a second connection");
        } else if (calls.isEmpty()) {
            open(a);
        } else {
            a.timeout = scheduler.schedule(policy.closeTimeout(), () -> mailbox.post(() -> {
                if (a == attempt && a.phase == Phase.WAITING_FOR_CLOSE) {
                    fail(a, "close of the previous connection did not finish within "
                            + policy.closeTimeout().toSeconds() + " s");
                }
            }));
        }
    }

    private void open(Attempt a) {
        a.phase = Phase.OPENING;
        Call call = calls.begin("open", a.epoch, ticker.nanos() + policy.openTimeout().toNanos());
        a.timeout = scheduler.schedule(policy.openTimeout(), () -> mailbox.post(() -> {
            if (a == attempt && a.phase == Phase.OPENING) {
                fail(a, a.openReturned
                        ? "opened, but not connected within " + policy.openTimeout().toSeconds() + " s"
                        : "open did not return within " + policy.openTimeout().toSeconds() + " s");
            }
        }));
        onBlocking(() -> {
            GatewayConnection c;
            try {
                c = transport.open(a.view);
            } catch (Throwable t) {
                mailbox.post(() -> {
                    if (a == attempt && a.phase == Phase.OPENING && !a.retired) {
                        fail(a, "open failed: " + describe(t));
                    }
                    finished(call);
                });
                return;
            }
            mailbox.post(() -> {
                a.connection = c;
                a.openReturned = true;
                if (a != attempt || a.retired || a.phase != Phase.OPENING) {
                    retire(a); // its close is in flight before this open counts as finished
                } else if (a.connectedSignal || !a.hookable) {
                    succeed(a);
                }
                finished(call);
            });
        });
    }

    private void succeed(Attempt a) {
        a.phase = Phase.LIVE;
        a.timeout.cancel();
        failures = 0;
        networkDown = false;
        lastAliveNanos = ticker.nanos();
        backUp(a.resumed, a.resumed ? "connected (resumed)" : "connected");
        scheduleTick(policy.checkInterval());
    }

    /** The transport is up again after an attempt or a library heal: outage report, downtime, state. */
    private void backUp(boolean resumed, String cause) {
        long now = ticker.nanos();
        if (downtime.isDown()) {
            Duration gap = downtime.downFor(now);
            mailbox.effect(() -> listener.onDowntime(key, gap));
            if (!resumed && downtime.isOutage(gap, policy.outageReportAfter())) {
                OutageEvent o = new OutageEvent(key.workspace(), key.platform(), downtime.since(), clock.instant(), gap);
                tally.lastOutage = o;
                logLater(true, "outage: down from {} to {} ({} s) on a fresh session; events may have been lost",
                        o.downFrom(), o.upAt(), gap.toSeconds());
                mailbox.effect(() -> listener.onOutage(o));
            }
        }
        downtime.up(now);
        transition(CONNECTED, cause);
    }

    /** The one failure path of an attempt: count it, close its connection, then back off or give up. */
    private void fail(Attempt a, String cause) {
        if (a != attempt || a.phase == Phase.DONE) {
            return;
        }
        a.phase = Phase.DONE;
        a.timeout.cancel();
        retire(a);
        failures++;
        tally.lastError = cause;
        if (failures >= policy.maxReconnectAttempts()) {
            gaveUp = true;
            cancelTick();
            String reason = key + ": " + failures + " consecutive failed connection attempts, the last: " + cause;
            transition(STOPPED, "gave up: " + cause);
            logLater(true, "giving up after {} consecutive failed attempts (last: {}); exiting with code {}",
                    failures, cause, ExitCodes.RECONNECTS_EXHAUSTED);
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
        probeNetwork(up -> {
            if (state != BACKING_OFF) {
                return;
            }
            if (!up) {
                if (!networkDown) {
                    logLater(false, "network down: postponing the next attempt, checking every {} s",
                            policy.fastCheckInterval().toSeconds());
                }
                networkDown = true;
                backoffTimer = scheduler.schedule(policy.fastCheckInterval(), () -> mailbox.post(this::onBackoffElapsed));
                return;
            }
            networkDown = false;
            beginAttempt(null, "retry after backoff");
        });
    }

    private void fatal(Attempt a, String cause) {
        a.phase = Phase.DONE;
        a.timeout.cancel();
        backoffTimer.cancel();
        cancelTick();
        retire(a);
        tally.lastError = cause;
        logLater(true, "fatal: {}; not reconnecting until an operator intervenes", cause);
        transition(FAILED, cause);
    }

    /** Revokes an attempt's handle and closes its connection exactly once (bounded, off this thread). */
    private void retire(Attempt a) {
        a.retired = true;
        a.handle.revoke();
        if (currentHandle == a.handle) {
            currentHandle = null;
        }
        if (a.closeIssued || !a.openReturned) {
            return;
        }
        a.closeIssued = true;
        GatewayConnection c = a.connection;
        Call call = calls.begin("close", a.epoch, ticker.nanos() + policy.closeTimeout().toNanos());
        onBlocking(() -> {
            try {
                transport.close(c, a.view);
            } catch (Throwable t) {
                log.warn("{} epoch {}: close failed: {}", key, a.epoch, describe(t));
            }
            mailbox.post(() -> finished(call));
        });
    }

    private void finished(Call call) {
        if (!calls.end(call)) {
            return;
        }
        if (attempt != null && attempt.phase == Phase.WAITING_FOR_CLOSE) {
            attempt.timeout.cancel();
            open(attempt);
        }
        if (state == STOPPED) {
            CompletableFuture<Void> s = stopped;
            mailbox.effect(() -> s.complete(null));
        }
    }

    /** Asks the transport whether the platform's network is up; {@code then} runs in the mailbox. */
    private void probeNetwork(Consumer<Boolean> then) {
        mailbox.effect(() -> {
            CompletionStage<Boolean> up;
            try {
                up = transport.networkUp();
            } catch (RuntimeException e) {
                log.warn("{}: the network probe failed to start ({}); assuming the network is up", key, e.toString());
                up = CompletableFuture.completedFuture(true);
            }
            up.whenComplete((u, err) -> mailbox.post(() -> then.accept(err == null && Boolean.TRUE.equals(u))));
        });
    }

    private void onBlocking(Runnable task) {
        mailbox.effect(() -> {
            try {
                blocking.execute(task);
            } catch (RuntimeException e) {
                log.error("{}: cannot run a blocking call: {}", key, e.toString());
            }
        });
    }

    private void scheduleTick(Duration period) {
        if (period.equals(tickPeriod) && !tickTimer.equals(Cancellable.NONE)) {
            return;
        }
        tickTimer.cancel();
        tickPeriod = period;
        tickTimer = scheduler.schedule(period, () -> mailbox.post(this::tick));
    }

    /** Cancels the tick timer and forgets it, so that a later start schedules a new one. */
    private void cancelTick() {
        tickTimer.cancel();
        tickTimer = Cancellable.NONE;
    }

    private void transition(ConnectionState to, String cause) {
        ConnectionState from = state;
        Transitions.check(key, epoch, from, to);
        state = to;
        stateSince = clock.instant();
        long e = epoch;
        logLater(false, "{} -> {} ({})", from, to, cause);
        mailbox.effect(() -> listener.onTransition(key, e, from, to, cause));
    }

    private void logLater(boolean error, String format, Object... args) {
        long e = epoch;
        mailbox.effect(() -> LogContext.run(key.workspace(), key.platform(), e, () -> {
            String f = key + " epoch " + e + ": " + format;
            if (error) {
                log.error(f, args);
            } else {
                log.info(f, args);
            }
        }));
    }

    private SupervisorSnapshot buildSnapshot() {
        Attempt a = attempt;
        ConnectionStatus st = new ConnectionStatus(key.workspace(), key.platform(), state, epoch, stateSince,
                tally.reconnects(ReconnectKind.FORCED), tally.reconnects(ReconnectKind.LIBRARY),
                tally.reconnects(ReconnectKind.FLAP), tally.reconnects(ReconnectKind.STORM),
                tally.reconnects(ReconnectKind.MANUAL), tally.lastOutage,
                state == CONNECTED && a != null && !a.hookable ? Math.max(tally.sockets, 1) : tally.sockets,
                tally.serverConnections, tally.lastError, failures, networkDown, null, a == null || a.hookable,
                downtime.since(), tally.superseded, tally.staleDetections);
        GatewayConnection live = a != null && a.phase == Phase.LIVE ? a.connection : null;
        return new SupervisorSnapshot(st, live, calls.earliestDeadline()).stamped(ticker.nanos());
    }

    private void countReconnect(ReconnectKind kind) {
        tally.reconnect(kind);
        mailbox.effect(() -> listener.onReconnect(key, kind));
    }

    private static long seconds(long nanos) {
        return Duration.ofNanos(nanos).toSeconds();
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
