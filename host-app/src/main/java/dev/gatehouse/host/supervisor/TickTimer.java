package dev.gatehouse.host.supervisor;

import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Scheduler.Cancellable;
import java.time.Duration;

/**
 * A supervisor's check tick: at most one pending, rescheduled only when its period changes, and
 * forgotten on cancel so that a later start always schedules a fresh one. Confined to the mailbox;
 * {@code onTick} is posted to it.
 */
final class TickTimer {

    private final Scheduler scheduler;
    private final Runnable onTick;
    private Cancellable pending = Cancellable.NONE;
    private Duration period;

    TickTimer(Scheduler scheduler, Runnable onTick) {
        this.scheduler = scheduler;
        this.onTick = onTick;
    }

    /** Ticks after {@code next}, unless a tick with that period is already pending. */
    void every(Duration next) {
        if (next.equals(period) && isPending()) {
            return;
        }
        pending.cancel();
        period = next;
        pending = scheduler.schedule(next, onTick);
    }

    boolean isPending() {
        return !pending.equals(Cancellable.NONE);
    }

    /** The pending tick fired: it no longer counts as pending. */
    void fired() {
        pending = Cancellable.NONE;
    }

    void cancel() {
        pending.cancel();
        pending = Cancellable.NONE;
    }
}
