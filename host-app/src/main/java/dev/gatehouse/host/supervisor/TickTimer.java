package dev.gatehouse.host.supervisor;

import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Scheduler.Cancellable;
import java.time.Duration;

/**
 * A supervisor's check tick: at most one pending, rescheduled only when its period changes, and
 * forgotten on cancel so that a later start always schedules a fresh one. Each scheduled tick carries
 * a generation, so a tick that fired just before a cancel (its task already on its way to the mailbox)
 * is recognised as stale and cannot start a second chain. Confined to the mailbox, where {@code onTick}
 * runs.
 */
final class TickTimer {

    private final Scheduler scheduler;
    private final Mailbox mailbox;
    private final Runnable onTick;
    private Cancellable pending = Cancellable.NONE;
    private Duration period;
    private long generation;

    TickTimer(Scheduler scheduler, Mailbox mailbox, Runnable onTick) {
        this.scheduler = scheduler;
        this.mailbox = mailbox;
        this.onTick = onTick;
    }

    /** Ticks after {@code next}, unless a tick with that period is already pending. */
    void every(Duration next) {
        if (next.equals(period) && isPending()) {
            return;
        }
        pending.cancel();
        period = next;
        long gen = ++generation;
        pending = scheduler.schedule(next, () -> mailbox.post(() -> {
            if (fired(gen)) {
                onTick.run();
            }
        }));
    }

    boolean isPending() {
        return !pending.equals(Cancellable.NONE);
    }

    /** A tick of generation {@code gen} fired; {@code false} if it is stale (cancelled or replaced meanwhile). */
    private boolean fired(long gen) {
        if (gen != generation || !isPending()) {
            return false;
        }
        pending = Cancellable.NONE;
        return true;
    }

    void cancel() {
        pending.cancel();
        pending = Cancellable.NONE;
        generation++;
    }
}
