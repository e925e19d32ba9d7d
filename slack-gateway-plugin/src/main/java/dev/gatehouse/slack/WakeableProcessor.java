package dev.gatehouse.slack;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The Socket Mode client's message processor, run when frames arrive instead of polling.
 *
 * <p>The SDK schedules its processor task — poll one frame from the inbound queue and process it — ten
 * times ({@code concurrency}) at a fixed rate of 10 ms: a thousand wake-ups a second per connection,
 * idle or not, and at most a thousand frames a second. The benchmark (section 4) measured that as the
 * plugin's largest cost: about 0.35 % of a core per idle workspace, a third of a core per hundred, plus
 * up to 10 ms on every event's way to the bot. This executor keeps one copy of the SDK's task and runs
 * it until the queue is empty whenever {@link #wake()} says a frame was stored ({@link ObservedQueue}
 * calls it for every frame), and once per safety period ({@link #SAFETY_PERIOD} in production) besides,
 * so that a frame stored without a wake-up (none is known) could not wait longer than that.
 *
 * <p>One {@link Lane}: the task never runs twice at once and frames keep their order, and an idle
 * connection holds no thread. A gated processor drains nothing until {@link #openGate()}: the client
 * connects before the plugin registered its listeners, and the first {@code hello} must wait for them.
 */
final class WakeableProcessor extends Lane {

    /** The longest a frame could wait if its wake-up were lost. */
    static final Duration SAFETY_PERIOD = Duration.ofSeconds(1);

    private final Duration safetyPeriod;

    /** The SDK's poll-one-frame task, set once when the client schedules it. Guarded by this for writes. */
    private volatile Runnable pollOne;
    /** The periodic safety run, returned for every copy of the task the SDK schedules. Guarded by this. */
    private ScheduledFuture<?> safetyRun;
    /** Whether the last run of {@link #pollOne} took a frame; without it each run takes at most one. */
    private volatile BooleanSupplier tookAFrame = () -> false;
    /** A drain is queued and has not started yet: further wake-ups until it starts are redundant. */
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    /** Whether drains may run; false until {@link #openGate()} for a gated processor. */
    private volatile boolean gateOpen;

    /**
     * @param pool the shared threads the lane runs on
     * @param timer the shared scheduler of the safety period
     * @param safetyPeriod how often the queue is drained without a wake-up
     * @param gated whether it waits for {@link #openGate()} before its first drain
     */
    WakeableProcessor(Executor pool, ScheduledExecutorService timer, Duration safetyPeriod, boolean gated) {
        super(pool, timer);
        this.safetyPeriod = safetyPeriod;
        this.gateOpen = !gated;
    }

    /** Lets drains run, and runs one for whatever was queued meanwhile. Idempotent. */
    void openGate() {
        if (!gateOpen) {
            gateOpen = true;
            wake();
        }
    }

    boolean gateOpen() {
        return gateOpen;
    }

    /**
     * Takes the SDK's periodic task. The SDK schedules identical copies, one per unit of concurrency;
     * the first is kept and drained on every wake-up and safety period, the others share its future.
     */
    @Override
    public synchronized ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
            TimeUnit unit) {
        if (safetyRun == null) {
            pollOne = command;
            safetyRun = super.scheduleAtFixedRate(this::drain, unit.toNanos(initialDelay), safetyPeriod.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        return safetyRun;
    }

    /** How to tell that a run of the SDK's task took a frame, so that one drain empties the whole queue. */
    void drainWhile(BooleanSupplier lastRunTookAFrame) {
        this.tookAFrame = lastRunTookAFrame;
    }

    /**
     * A frame was stored: drain the queue soon. Never blocks; safe from any thread. The flag is cleared
     * before the drain starts, so a frame stored after its last poll gets a drain of its own.
     */
    void wake() {
        if (pollOne == null || isShutdown() || !drainQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            execute(() -> {
                drainQueued.set(false);
                drain();
            });
        } catch (RejectedExecutionException e) {
            drainQueued.set(false); // shut down meanwhile: the connection is closing
        }
    }

    /**
     * Drains the queue on the processor thread, after whatever it is doing now (e.g. a reconnect the SDK
     * started on it), and waits for that until {@code deadlineNanos}.
     *
     * @return whether the drain finished in time
     */
    boolean drainNow(long deadlineNanos) {
        if (pollOne == null) {
            return true;
        }
        try {
            submit(this::drain).get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // the SDK's task failed on one frame; it logs that itself
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void drain() {
        Runnable task = pollOne;
        if (!gateOpen || task == null) {
            return;
        }
        do {
            task.run();
        } while (tookAFrame.getAsBoolean() && !isShutdown());
    }
}
