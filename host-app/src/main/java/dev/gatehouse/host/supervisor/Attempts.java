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
 * one and its health handle, opens a connection only once no earlier open or close is in flight, closes
 * each attempt's connection exactly once, bounds every call and runs it on the blocking executor, and
 * posts the results back to the mailbox, where the supervisor decides ({@link Outcomes}). Confined to the
 * owning supervisor's mailbox, except {@link #isCurrent}.
 */
final class Attempts {

    private static final Logger log = LoggerFactory.getLogger(Attempts.class);

    /**
     * What the supervisor decides when a call ends; called in the mailbox.
     *
     * @param openReturned the current attempt's open returned a connection
     * @param failed the current attempt failed: its open threw, or a call exceeded its bound
     */
    record Outcomes(Consumer<Attempt> openReturned, BiConsumer<Attempt, String> failed) {
    }

    private final Supervisor owner;
    private final Transport transport;
    private final Scheduler scheduler;
    private final Executor blocking;
    private final Ticker ticker;
    private final Mailbox mailbox;
    private final Supplier<HealthPolicy> policy;
    private final Outcomes outcomes;
    private final CallLedger calls = new CallLedger();
    private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
    /** The handle signals must come from; read from any thread by {@link HealthHandle#isCurrent()}. */
    private volatile HealthHandle currentHandle;
    private long epoch;
    private Attempt current;

    Attempts(Supervisor owner, Transport transport, Scheduler scheduler, Executor blocking, Ticker ticker,
            Mailbox mailbox, Supplier<HealthPolicy> policy, Outcomes outcomes) {
        this.owner = owner;
        this.transport = transport;
        this.scheduler = scheduler;
        this.blocking = blocking;
        this.ticker = ticker;
        this.mailbox = mailbox;
        this.policy = policy;
        this.outcomes = outcomes;
    }

    Attempt current() {
        return current;
    }

    long epoch() {
        return epoch;
    }

    boolean isCurrent(HealthHandle h) {
        return h == currentHandle;
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
        current = new Attempt(owner, owner.key(), epoch, kind);
        currentHandle = current.handle;
        return current;
    }

    /** Ends an attempt: no more timeouts, its handle revoked, its connection closed once. */
    void end(Attempt a) {
        a.timeout.cancel();
        a.phase = Phase.DONE;
        retire(a);
    }

    /** Opens the attempt's connection now, or once the earlier calls in flight have returned. */
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
                if (a == current && a.phase == Phase.WAITING_FOR_CLOSE) {
                    outcomes.failed().accept(a, "close of the previous connection did not finish within " + bound.toSeconds() + " s");
                }
            }));
        }
    }

    private void open(Attempt a) {
        a.phase = Phase.OPENING;
        Duration bound = policy.get().openTimeout();
        Call call = calls.begin("open", a.epoch, ticker.nanos() + bound.toNanos());
        a.timeout = scheduler.schedule(bound, () -> mailbox.post(() -> {
            if (a == current && a.phase == Phase.OPENING) {
                outcomes.failed().accept(a, a.openReturned ? "opened, but not connected within " + bound.toSeconds() + " s"
                        : "open did not return within " + bound.toSeconds() + " s");
            }
        }));
        onBlocking(() -> {
            GatewayConnection c;
            try {
                c = transport.open(a.view);
                if (c == null) {
                    throw new IllegalStateException("the plugin's open returned no connection");
                }
            } catch (Throwable t) {
                mailbox.post(() -> {
                    if (a == current && a.phase == Phase.OPENING && !a.retired) {
                        outcomes.failed().accept(a, "open failed: " + describe(t));
                    }
                    finished(call);
                });
                return;
            }
            mailbox.post(() -> {
                a.connection = c;
                a.openReturned = true;
                if (a != current || a.retired || a.phase != Phase.OPENING) {
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
        if (a.closeIssued || !a.openReturned) {
            return;
        }
        a.closeIssued = true;
        GatewayConnection c = a.connection;
        Call call = calls.begin("close", a.epoch, ticker.nanos() + policy.get().closeTimeout().toNanos());
        onBlocking(() -> {
            try {
                transport.close(c, a.view);
            } catch (Throwable t) {
                log.warn("{} epoch {}: close failed: {}", owner.key(), a.epoch, describe(t));
            }
            mailbox.post(() -> finished(call));
        });
    }

    private void finished(Call call) {
        if (!calls.end(call)) {
            return;
        }
        if (current != null && current.phase == Phase.WAITING_FOR_CLOSE) {
            current.timeout.cancel();
            open(current);
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
