package dev.gatehouse.host.supervisor;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.supervisor.Attempt.Phase;
import dev.gatehouse.host.supervisor.CallLedger.Call;
import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A supervisor's attempts and its calls into the transport: numbers attempts (epochs), keeps the current
 * one and its health handle (and, during a handover, the candidate that is to replace it), opens a
 * connection only once no earlier open or close is in flight, closes each attempt's connection exactly
 * once, bounds every call and runs it on the blocking executor, and posts the results back to the
 * mailbox, where the supervisor decides ({@link Outcomes}). Hence at most two connections exist at once,
 * and two only while a candidate is open beside the current one. Confined to the owning supervisor's
 * mailbox, except {@link #isCurrent}.
 */
final class Attempts {

    private static final Logger log = LoggerFactory.getLogger(Attempts.class);

    /**
     * What the supervisor decides when a call ends; called in the mailbox.
     *
     * @param openReturned the current attempt's (or the candidate's) open returned a connection
     * @param failed the current attempt (or the candidate) failed: its open threw, or a call exceeded its bound
     */
    record Outcomes(Consumer<Attempt> openReturned, BiConsumer<Attempt, String> failed) {
    }

    /** The outcomes of a handover's candidate go to its {@link Handover}, the others to {@code outcomes}. */
    private Outcomes routed(Outcomes outcomes) {
        return new Outcomes(a -> {
            if (!handover.opened(a)) {
                outcomes.openReturned().accept(a);
            }
        }, (a, cause) -> {
            if (!handover.failed(a, cause)) {
                outcomes.failed().accept(a, cause);
            }
        });
    }

    private final Supervisor owner;
    private final Transport transport;
    private final Scheduler scheduler;
    private final Executor blocking;
    private final Ticker ticker;
    private final Mailbox mailbox;
    private final Supplier<HealthPolicy> policy;
    private final Outcomes outcomes;
    private final Handover handover;
    private final CallLedger calls = new CallLedger();
    private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
    /** The handles signals must come from; read from any thread by {@link HealthHandle#isCurrent()}. */
    private volatile HealthHandle currentHandle;
    private volatile HealthHandle candidateHandle;
    private long epoch;
    private Attempt current;
    /** A handover's new attempt, opened while {@link #current} still serves; {@code null} otherwise. */
    private Attempt candidate;
    /**
     * When the last session started, or {@code Long.MIN_VALUE}: an open began, or a fresh (not resumed)
     * session reported itself connected (a library may identify again on its own, and its IDENTIFY is
     * accepted before it reports connected).
     */
    private long lastSessionStartNanos = Long.MIN_VALUE;

    /** @param promoted called when a handover's candidate became current (see {@link Handover}) */
    Attempts(Supervisor owner, Transport transport, Scheduler scheduler, Executor blocking, Ticker ticker,
            Mailbox mailbox, Supplier<HealthPolicy> policy, Outcomes outcomes, EpochLog log, Consumer<Attempt> promoted) {
        this.owner = owner;
        this.transport = transport;
        this.scheduler = scheduler;
        this.blocking = blocking;
        this.ticker = ticker;
        this.mailbox = mailbox;
        this.policy = policy;
        this.outcomes = routed(outcomes);
        this.handover = new Handover(this, mailbox, scheduler, ticker, log, promoted);
    }

    Handover handover() {
        return handover;
    }

    Attempt current() {
        return current;
    }

    Attempt candidate() {
        return candidate;
    }

    /** The connection's own transport (what an attempt opens on unless a handover names another). */
    Transport transport() {
        return transport;
    }

    long lastSessionStartNanos() {
        return lastSessionStartNanos;
    }

    /** See {@link #lastSessionStartNanos}; a resumed session started nothing. */
    void connected(long nowNanos, boolean resumed) {
        if (!resumed) {
            lastSessionStartNanos = Math.max(lastSessionStartNanos, nowNanos);
        }
    }

    /** Ends the current attempt, if any. */
    void endCurrent() {
        if (current != null) {
            end(current);
        }
    }

    long epoch() {
        return epoch;
    }

    boolean isCurrent(HealthHandle h) {
        return h != null && (h == currentHandle || h == candidateHandle);
    }

    /** The current attempt or the candidate: its calls still count. */
    private boolean isActive(Attempt a) {
        return a == current || a == candidate;
    }

    /** Completes (as an effect) once no open or close is in flight, or after {@code bound} (if not null) at the latest. */
    CompletionStage<Void> whenIdle(Duration bound) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (calls.isEmpty()) {
            mailbox.effect(() -> f.complete(null));
        } else {
            idleWaiters.add(f);
        }
        if (!calls.isEmpty() && bound != null) {
            scheduler.schedule(bound, () -> mailbox.post(() -> mailbox.effect(() -> f.complete(null))));
        }
        return f;
    }

    /** The earliest bound of an open or close in flight, or {@code Long.MAX_VALUE}. */
    long earliestDeadline() {
        return calls.earliestDeadline();
    }

    /** Ends the current attempt (its connection is closed) and makes a new one current. */
    Attempt next(ReconnectKind kind) {
        if (current != null) {
            end(current);
        }
        epoch++;
        current = new Attempt(owner, owner.key(), epoch, kind, transport);
        currentHandle = current.handle;
        return current;
    }

    /** Makes a candidate that opens on {@code target} beside the current attempt, which keeps serving. */
    Attempt stage(ReconnectKind kind, Transport target) {
        epoch++;
        candidate = new Attempt(owner, owner.key(), epoch, kind, target);
        candidateHandle = candidate.handle;
        return candidate;
    }

    /** The candidate replaces the current attempt, whose connection is closed now. */
    Attempt promote() {
        Attempt old = current;
        current = candidate;
        currentHandle = candidateHandle;
        candidate = null;
        candidateHandle = null;
        if (old != null) {
            end(old);
        }
        return old;
    }

    /** Ends the candidate, if any (its connection is closed); the current attempt is untouched. */
    Attempt dropCandidate() {
        Attempt c = candidate;
        candidate = null;
        candidateHandle = null;
        if (c != null) {
            end(c);
        }
        return c;
    }

    /**
     * Ends an attempt: no more timeouts, its handle revoked, its connection closed once. Ending the
     * current attempt ends a handover's candidate too: it was to replace a connection that is gone.
     */
    void end(Attempt a) {
        if (a == current && candidate != null) {
            handover.abort("epoch " + a.epoch + " ended");
        }
        a.timeout.cancel();
        a.phase = Phase.DONE;
        retire(a);
    }

    /**
     * Opens the attempt's connection now, or once the earlier calls in flight have returned: for the
     * current attempt that means the previous connection is closed; for a candidate, that no third
     * connection can exist beside the current one and the candidate.
     */
    void launch(Attempt a) {
        long now = ticker.nanos();
        Call hung = calls.hungAt(now).orElse(null);
        if (hung != null) {
            outcomes.failed().accept(a, hung.what() + " of epoch " + hung.epoch() + " still has not returned after "
                    + Duration.ofNanos(now - hung.deadlineNanos()).toSeconds()
                    + " s past its bound; not opening a second connection");
        } else if (calls.isEmpty()) {
            open(a);
        } else {
            Duration bound = policy.get().closeTimeout();
            a.timeout = scheduler.schedule(bound, () -> mailbox.post(() -> {
                if (isActive(a) && a.phase == Phase.WAITING_FOR_CLOSE) {
                    outcomes.failed().accept(a, "close of the previous connection did not finish within " + bound.toSeconds() + " s");
                }
            }));
        }
    }

    private void open(Attempt a) {
        a.phase = Phase.OPENING;
        lastSessionStartNanos = ticker.nanos();
        Duration bound = policy.get().openTimeout();
        Call call = begin("open", a.epoch, bound);
        a.timeout = scheduler.schedule(bound, () -> mailbox.post(() -> {
            if (isActive(a) && a.phase == Phase.OPENING) {
                outcomes.failed().accept(a, a.openReturned ? "opened, but not connected within " + bound.toSeconds() + " s"
                        : "open did not return within " + bound.toSeconds() + " s");
            }
        }));
        onBlocking(() -> {
            GatewayConnection c;
            try {
                c = a.transport.open(a.view);
                if (c == null) {
                    throw new IllegalStateException("the plugin's open returned no connection");
                }
            } catch (Throwable t) {
                mailbox.post(() -> {
                    if (isActive(a) && a.phase == Phase.OPENING && !a.retired) {
                        a.notOwned = t instanceof NotOwnedException;
                        outcomes.failed().accept(a, a.notOwned ? t.getMessage() : "open failed: " + describe(t));
                    }
                    finished(call);
                });
                return;
            }
            mailbox.post(() -> {
                a.connection = c;
                a.openReturned = true;
                if (!isActive(a) || a.retired || a.phase != Phase.OPENING) {
                    retire(a); // its close is in flight before this open counts as finished
                } else {
                    outcomes.openReturned().accept(a);
                }
                finished(call);
            });
        });
    }

    /** Revokes an attempt's handle and closes its connection exactly once (bounded, off the mailbox). */
    private void retire(Attempt a) {
        a.retired = true;
        a.handle.revoke();
        if (currentHandle == a.handle) {
            currentHandle = null;
        }
        if (candidateHandle == a.handle) {
            candidateHandle = null;
        }
        if (a.closeIssued || !a.openReturned) {
            return;
        }
        a.closeIssued = true;
        GatewayConnection c = a.connection;
        Call call = begin("close", a.epoch, policy.get().closeTimeout());
        onBlocking(() -> {
            try {
                a.transport.close(c, a.view);
            } catch (Throwable t) {
                log.warn("{} epoch {}: close failed: {}", owner.key(), a.epoch, describe(t));
            }
            mailbox.post(() -> finished(call));
        });
    }

    /**
     * Records a call in flight. At its bound the mailbox runs once more, so that the snapshot (status,
     * the watchdog's view) shows a call that has not returned by then as hung without waiting for a tick.
     */
    private Call begin(String what, long attemptEpoch, Duration bound) {
        Call call = calls.begin(what, attemptEpoch, ticker.nanos() + bound.toNanos());
        scheduler.schedule(bound, () -> mailbox.post(() -> { }));
        return call;
    }

    private void finished(Call call) {
        if (!calls.end(call)) {
            return;
        }
        if (current != null && current.phase == Phase.WAITING_FOR_CLOSE) {
            current.timeout.cancel();
            open(current);
        } else if (candidate != null && candidate.phase == Phase.WAITING_FOR_CLOSE && calls.isEmpty()) {
            candidate.timeout.cancel();
            open(candidate);
        }
        if (calls.isEmpty()) {
            List<CompletableFuture<Void>> waiters = List.copyOf(idleWaiters);
            idleWaiters.clear();
            mailbox.effect(() -> waiters.forEach(w -> w.complete(null)));
        }
    }

    /** Asks the transport whether the platform's network is up; {@code then} runs in the mailbox. */
    void probeNetwork(Consumer<Boolean> then) {
        mailbox.effect(() -> {
            CompletionStage<Boolean> up;
            try {
                up = transport.networkUp();
            } catch (RuntimeException e) {
                log.warn("{}: the network probe failed to start ({}); assuming the network is up", owner.key(),
                        e.toString());
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
                log.error("{}: cannot run a blocking call: {}", owner.key(), e.toString());
            }
        });
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
