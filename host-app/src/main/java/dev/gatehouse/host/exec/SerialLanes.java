package dev.gatehouse.host.exec;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time and in submission order per key (a lane, e.g. one channel), on a shared
 * pool: a slow task holds back only its own lane.
 *
 * <p>Bounds, each a documented policy rather than a side effect of the pool:
 * <ul>
 *   <li>At most {@code maxRunning} lanes run at once. The pool must start a thread for every task it is
 *       given (e.g. {@link DaemonThreads#shortLivedPool}): a bounded pool would let a few blocked lanes
 *       occupy every thread and stall all the others. Lanes beyond the bound wait their turn in arrival
 *       order, and a lane hands its thread to a waiting one after each task, so a busy lane cannot
 *       starve them. Only {@code maxRunning} tasks blocked at once stall the rest.</li>
 *   <li>At most {@code laneCapacity} tasks wait per lane: {@link #submit} refuses the newest with a
 *       {@link RejectedExecutionException} that says so; the tasks already queued are kept.</li>
 *   <li>Whatever a task throws, {@code Error}s included, is logged and counted, and the lane goes on
 *       with its next task: no failure leaves a lane registered without a thread to drain it.</li>
 * </ul>
 */
public final class SerialLanes {

    private static final Logger log = LoggerFactory.getLogger(SerialLanes.class);

    /** Default bound on lanes running at once: far above what handlers of a healthy bot need. */
    public static final int MAX_RUNNING = 256;
    /** Default bound on tasks waiting in one lane. */
    public static final int LANE_CAPACITY = 1000;
    /**
     * The first part of a linger, in which the lane's next task does not wake its thread (tasks batch up); a
     * linger of exactly this long is only that part (see {@code EventDispatcher.LANE_LINGER} for how it was
     * chosen).
     */
    public static final Duration BATCHING_LINGER = Duration.ofNanos(300_000);
    private static final long BATCH_NANOS = BATCHING_LINGER.toNanos();
    /**
     * Most tasks a lane's thread takes off its queue in one monitor round trip. It takes only one while another
     * lane waits for a thread, and hands the rest of a batch back (first in its lane) as soon as one starts to.
     */
    static final int BATCH = 32;

    private final Executor pool;
    private final int maxRunning;
    private final int laneCapacity;
    private final long lingerNanos;
    /** Guarded by this. A key is present while its lane has a task running or waiting. */
    private final Map<Object, Lane> lanes = new HashMap<>();
    /** Guarded by this. Lanes with work and no thread, oldest first. */
    private final ArrayDeque<Lane> waiting = new ArrayDeque<>();
    /** Guarded by this. Lanes on a thread. */
    private int running;
    /** Guarded by this. Tasks accepted and not yet taken by a lane's thread. */
    private int queued;
    /** {@code waiting.size()}, written under the monitor, read without it between the tasks of a batch. */
    private volatile int waitingCount;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    private static final class Lane {
        final Object key;
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        /**
         * Guarded by the lanes' monitor. Tasks its thread took in its current batch behind the first one: they
         * count against the lane's capacity until the thread next takes the monitor (a few of them may have
         * run by then: the bound errs on the side of refusing).
         */
        int behind;
        /** Guarded by the lanes' monitor. The thread lingering on this lane for its next task, if one is. */
        Thread lingering;

        Lane(Object key) {
            this.key = key;
        }
    }

    /** Lanes with the default bounds. */
    public SerialLanes(Executor pool) {
        this(pool, MAX_RUNNING, LANE_CAPACITY);
    }

    /**
     * @param pool starts a thread for every task it is given
     * @param maxRunning lanes that may run at once
     * @param laneCapacity tasks that may wait in one lane
     */
    public SerialLanes(Executor pool, int maxRunning, int laneCapacity) {
        this(pool, maxRunning, laneCapacity, Duration.ZERO);
    }

    /**
     * As above; a lane whose queue ran empty keeps its thread for up to {@code linger} (once, and only while
     * no other lane waits for a thread) before giving it back. In a burst the next tasks join that thread
     * (they queue up during the linger's first {@link #BATCHING_LINGER} and run together, without a wake-up each);
     * later, the lane's next task wakes it at once and runs on it, with no hand-off through the pool. A lane that must
     * wait for a thread wakes every lingering one, which then gives its thread up.
     */
    public SerialLanes(Executor pool, int maxRunning, int laneCapacity, Duration linger) {
        if (maxRunning < 1 || laneCapacity < 1 || linger.isNegative()) {
            throw new IllegalArgumentException("maxRunning and laneCapacity must be at least 1, linger not negative");
        }
        this.pool = pool;
        this.maxRunning = maxRunning;
        this.laneCapacity = laneCapacity;
        this.lingerNanos = linger.toNanos();
    }

    /**
     * Queues a task on its lane.
     *
     * @param key the lane: equal keys share one ({@code equals}/{@code hashCode}); its {@code toString} names it in logs
     * @throws RejectedExecutionException if {@code laneCapacity} tasks already wait in that lane; the
     *     task will not run
     */
    public void submit(Object key, Runnable task) {
        Lane start = null;
        Thread wake = null;
        List<Thread> giveUp = List.of();
        synchronized (this) {
            Lane lane = lanes.get(key);
            if (lane != null) {
                if (lane.tasks.size() + lane.behind >= laneCapacity) {
                    refused.incrementAndGet();
                    throw new RejectedExecutionException(laneCapacity + " tasks are already waiting in this lane");
                }
                lane.tasks.addLast(task);
                queued++;
                wake = lane.lingering;
            } else {
                lane = new Lane(key);
                lane.tasks.addLast(task);
                lanes.put(key, lane);
                queued++;
                if (running >= maxRunning) {
                    waiting.addLast(lane);
                    waitingCount = waiting.size();
                    // Rare (only when maxRunning lanes run): the lingering threads are found among the lanes.
                    giveUp = lanes.values().stream().map(l -> l.lingering).filter(Objects::nonNull).toList();
                } else {
                    running++;
                    start = lane;
                }
            }
        }
        // Outside the monitor, which a woken thread takes first.
        if (wake != null) {
            LockSupport.unpark(wake);
        }
        giveUp.forEach(LockSupport::unpark);
        if (start != null) {
            start(start);
        }
    }

    private void start(Lane lane) {
        try {
            pool.execute(() -> drive(lane));
        } catch (RuntimeException | Error e) {
            // No thread for it now (the pool is shut down, or the JVM cannot start one): the lane waits
            // for the next thread that finishes a task, rather than staying registered with none.
            synchronized (this) {
                running--;
                waiting.addFirst(lane);
                waitingCount = waiting.size();
            }
            log.error("no thread for lane {}: {}; it waits for a running lane to hand one over", printable(lane.key),
                    e.toString());
        }
    }

    /**
     * Runs lanes on this thread until none is left for it. Takes a lane's tasks in batches (one monitor round
     * trip for up to {@link #BATCH} of them, instead of two per task: the producer, a plugin's read thread,
     * takes the same monitor for every task it adds).
     */
    private void drive(Lane first) {
        Lane lane = first;
        Runnable[] batch = new Runnable[BATCH];
        while (lane != null) {
            int n = take(lane, batch);
            for (int i = 0; i < n; i++) {
                Runnable task = batch[i];
                batch[i] = null;
                runContained(lane.key, task);
                if (i + 1 < n && waitingCount > 0) {
                    giveBack(lane, batch, i + 1, n);
                    break;
                }
            }
            if (lingerNanos > 0 && lingerFor(lane)) {
                continue;
            }
            synchronized (this) {
                lane.behind = 0;
                if (lane.tasks.isEmpty()) {
                    lanes.remove(lane.key);
                    lane = waiting.pollFirst();
                } else if (!waiting.isEmpty()) {
                    waiting.addLast(lane);
                    lane = waiting.pollFirst();
                }
                waitingCount = waiting.size();
                if (lane == null) {
                    running--;
                }
            }
        }
    }

    /** Takes the lane's next tasks into {@code batch}: at least one, only one while another lane waits. */
    private synchronized int take(Lane lane, Runnable[] batch) {
        int n = 0;
        do {
            batch[n++] = lane.tasks.pollFirst();
        } while (n < batch.length && !lane.tasks.isEmpty() && waiting.isEmpty());
        queued -= n;
        lane.behind = n - 1;
        return n;
    }

    /** Puts the batch's tasks from {@code from} back at the head of their lane, in order (a lane waits for the thread). */
    private synchronized void giveBack(Lane lane, Runnable[] batch, int from, int n) {
        for (int i = n - 1; i >= from; i--) {
            lane.tasks.addFirst(batch[i]);
            batch[i] = null;
        }
        queued += n - from;
        lane.behind = 0;
    }

    /**
     * Whether a task arrived in the lane while its thread lingered on it (only when it ran empty and no lane
     * waits). For its first {@link #BATCHING_LINGER} the thread only sleeps: a burst's next tasks queue up and
     * are run together, the producer wakes nobody. After that the lane's next task wakes it at once (as does a
     * lane that needs a thread, or an interrupt): a wake-up the pool's hand-off would cost anyway.
     */
    private boolean lingerFor(Lane lane) {
        synchronized (this) {
            lane.behind = 0;
            if (!lane.tasks.isEmpty() || !waiting.isEmpty()) {
                return false;
            }
        }
        long start = System.nanoTime();
        LockSupport.parkNanos(this, Math.min(BATCH_NANOS, lingerNanos));
        synchronized (this) {
            if (!lane.tasks.isEmpty() || !waiting.isEmpty() || lingerNanos <= BATCH_NANOS) {
                return !lane.tasks.isEmpty() && waiting.isEmpty();
            }
            lane.lingering = Thread.currentThread();
        }
        long deadline = start + lingerNanos;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                break;
            }
            LockSupport.parkNanos(this, left);
            synchronized (this) {
                if (!lane.tasks.isEmpty() || !waiting.isEmpty()) {
                    break;
                }
            }
        }
        synchronized (this) {
            lane.lingering = null;
            return !lane.tasks.isEmpty() && waiting.isEmpty();
        }
    }

    private void runContained(Object key, Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            // Errors too (StackOverflowError, AssertionError, a plugin's LinkageError): the task is lost
            // either way, and rethrowing would end this thread with the lane still registered.
            errors.incrementAndGet();
            log.error("lane {}: a task failed with {}; the lane goes on with its next task", printable(key), t.toString(), t);
        } finally {
            Thread.interrupted(); // an interrupt meant for the task must not reach the next one
        }
    }

    private static String printable(Object key) {
        return String.valueOf(key).replace('\u0000', '/');
    }

    /** Lanes with a task running or waiting. */
    public synchronized int activeLanes() {
        return lanes.size();
    }

    /** Lanes with work that wait for a thread because {@code maxRunning} lanes run. */
    public synchronized int waitingLanes() {
        return waiting.size();
    }

    /** Tasks accepted and not yet taken by their lane's thread (which takes up to {@link #BATCH} at once), all lanes. */
    public synchronized int queued() {
        return queued;
    }

    /** Tasks refused because their lane was full. */
    public long refused() {
        return refused.get();
    }

    /** Tasks that threw (the lane went on). */
    public long errors() {
        return errors.get();
    }
}
