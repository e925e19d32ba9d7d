package dev.gatehouse.host.supervisor;

import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.supervisor.Attempt.Phase;
import dev.gatehouse.host.supervisor.HandoverResult.Outcome;
import dev.gatehouse.host.supervisor.HealthHandle.Signal;
import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Make before break: a planned reconnect of a CONNECTED connection (a plugin swap, an operator's
 * reconnect, a flap, new settings) opens a candidate attempt beside the current one, and only once the
 * candidate is connected does it become current and the old connection close. Until then the old one
 * serves and stays the supervisor's state; a candidate that fails is closed and changes nothing. Events
 * of both reach the dispatcher, which handles each platform event once.
 *
 * <p>The candidate opens no sooner than the platform's minimum interval after the previous session start
 * (Discord allows one IDENTIFY per 5 s per bot; a start is an open, or a fresh session reported connected) and never while another open or close is in flight, so the
 * connection has at most two sockets, two only during the overlap. Confined to the owning supervisor's
 * mailbox.
 */
final class Handover {

    private final Attempts attempts;
    private final Mailbox mailbox;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final EpochLog log;
    /** Called when the candidate became current (the old connection's close is issued): the supervisor's state follows. */
    private final Consumer<Attempt> promoted;
    /** Completed when the running handover ends; {@code null} for none, or for a reconnect nobody waits on. */
    private CompletableFuture<HandoverResult> result;
    private String cause;

    Handover(Attempts attempts, Mailbox mailbox, Scheduler scheduler, Ticker ticker, EpochLog log,
            Consumer<Attempt> promoted) {
        this.attempts = attempts;
        this.mailbox = mailbox;
        this.scheduler = scheduler;
        this.ticker = ticker;
        this.log = log;
        this.promoted = promoted;
    }

    /**
     * A handover asked for from outside (a plugin swap): starts it, or completes {@code done} at once
     * with why not.
     */
    void request(Transport target, String why, ConnectionState state, boolean gaveUp, CompletableFuture<HandoverResult> done) {
        HandoverResult refused = state == ConnectionState.STOPPED || state == ConnectionState.FAILED || gaveUp
                ? HandoverResult.of(Outcome.NOT_RUNNING)
                : begin(target, null, why, state == ConnectionState.CONNECTED, done);
        if (refused != null) {
            mailbox.effect(() -> done.complete(refused));
        }
    }

    boolean isRunning() {
        return attempts.candidate() != null;
    }

    /**
     * Starts a handover to {@code target} if the connection is CONNECTED on a live attempt.
     *
     * @param done completed when it ends (may be {@code null})
     * @return {@code null} if it started, else why not (nothing was done)
     */
    HandoverResult begin(Transport target, ReconnectKind kind, String why, boolean connected,
            CompletableFuture<HandoverResult> done) {
        if (isRunning()) {
            return HandoverResult.of(Outcome.ALREADY_IN_PROGRESS);
        }
        Attempt old = attempts.current();
        if (!connected || old == null || old.phase != Phase.LIVE) {
            return HandoverResult.of(Outcome.NOT_CONNECTED);
        }
        Attempt c = attempts.stage(kind, target);
        result = done;
        cause = why;
        long last = attempts.lastSessionStartNanos();
        long wait = last == Long.MIN_VALUE ? 0 : last + target.minimumOpenInterval().toNanos() - ticker.nanos();
        log(false, "handover ({}): opening epoch {}{} while epoch {} serves", why, c.epoch,
                wait > 0 ? " in " + Duration.ofNanos(wait).toMillis() + " ms (the platform's session-start interval)" : "",
                old.epoch);
        if (wait > 0) {
            c.phase = Phase.SPACED;
            c.timeout = scheduler.schedule(Duration.ofNanos(wait), () -> mailbox.post(() -> {
                if (attempts.candidate() == c && c.phase == Phase.SPACED) {
                    c.phase = Phase.WAITING_FOR_CLOSE;
                    attempts.launch(c);
                }
            }));
        } else {
            attempts.launch(c);
        }
        return null;
    }

    /** Takes a signal if it comes from the candidate's handle; {@code false} if it is not the candidate's. */
    boolean onSignal(HealthHandle h, Signal s) {
        Attempt c = attempts.candidate();
        if (c == null || h != c.handle || c.retired) {
            return false;
        }
        if (s instanceof Signal.Connected k) {
            attempts.connected(ticker.nanos(), k.resumed());
            c.connectedSignal = true;
            c.resumed = k.resumed();
            if (c.phase == Phase.OPENING && c.openReturned) {
                promote(c);
            }
        } else if (s instanceof Signal.Disconnected) {
            c.connectedSignal = false; // its open timeout ends it if it does not come back
        } else if (s instanceof Signal.Fatal f) {
            failed(c, "fatal: " + f.cause());
        } else if (s instanceof Signal.NotHookable) {
            c.hookable = false;
            if (c.phase == Phase.OPENING && c.openReturned) {
                promote(c);
            }
        }
        // Alive, Sockets and ServerConnections: the current attempt's figures stand until the promotion.
        return true;
    }

    /** An open returned; {@code false} if it is not the candidate's. */
    boolean opened(Attempt c) {
        if (c != attempts.candidate()) {
            return false;
        }
        if (c.connectedSignal || !c.hookable) {
            promote(c);
        }
        return true;
    }

    /**
     * The candidate failed (its open threw or timed out, or it reported fatal): close it, keep the old
     * one. {@code false} if {@code c} is not the candidate.
     */
    boolean failed(Attempt c, String why) {
        if (attempts.candidate() != c) {
            return false;
        }
        attempts.dropCandidate();
        log(false, "handover ({}) failed: epoch {} {}; epoch {} keeps serving", cause, c.epoch, why,
                attempts.current() == null ? "-" : attempts.current().epoch);
        finish(new HandoverResult(Outcome.FAILED, "epoch " + c.epoch + ": " + why));
        return true;
    }

    /** The current attempt ends for another reason (stop, failure, a forced reconnect): the candidate goes too. */
    void abort(String why) {
        Attempt c = attempts.candidate();
        if (c == null) {
            return;
        }
        attempts.dropCandidate();
        log(false, "handover ({}) abandoned: {}; epoch {} closed", cause, why, c.epoch);
        finish(new HandoverResult(Outcome.FAILED, "abandoned: " + why));
    }

    private void promote(Attempt c) {
        c.phase = Phase.LIVE;
        c.timeout.cancel();
        Attempt old = attempts.promote();
        log(false, "handover ({}): epoch {} connected{}; closing epoch {}", cause, c.epoch,
                c.resumed ? " (resumed)" : "", old == null ? "-" : old.epoch);
        promoted.accept(c);
        finish(HandoverResult.of(Outcome.HANDED_OVER));
    }

    private void log(boolean error, String format, Object... args) {
        mailbox.effect(log.line(attempts.epoch(), error, format, args));
    }

    private void finish(HandoverResult r) {
        CompletableFuture<HandoverResult> f = result;
        result = null;
        cause = null;
        if (f != null) {
            mailbox.effect(() -> f.complete(r));
        }
    }
}
