package dev.gatehouse.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Owns every thread of one simulator instance: daemon threads named {@code <prefix><role>}, all in one
 * {@link ThreadGroup}, so that the simulator's {@code close()} can wait until every one of them has ended.
 *
 * <p>The contract of every simulator's {@code close()}: it returns once its listening ports are closed and
 * every thread it started has <em>ended</em> (not merely finished its tasks, which is all that
 * {@code ExecutorService.awaitTermination} promises), bounded by {@link #CLOSE_BUDGET}; a thread still alive
 * after that is logged by name. Tests may therefore assert "no simulator thread, port refused" right after
 * {@code close()}, without polling.
 *
 * <p>The group exists because the JDK {@code HttpServer} names its own threads ({@code HTTP-Dispatcher},
 * {@code idle-timeout-task}) and inherits the daemon flag from its creator. Libraries are therefore
 * started on a daemon thread of this group ({@link #callInGroup}); their threads inherit group and daemon
 * flag, and {@link #adoptStrays()} renames them so that a leak shows up under the simulator's prefix.
 */
public final class SimThreads {
    /** How long a simulator's {@code close()} waits for its threads to end. */
    public static final Duration CLOSE_BUDGET = Duration.ofSeconds(5);

    private final String prefix;
    private final ThreadGroup group;
    private final AtomicInteger sequence = new AtomicInteger();

    /** Threads named {@code <prefix><role>}, in a new group of their own. */
    public SimThreads(String prefix) {
        this.prefix = prefix;
        this.group = new ThreadGroup(prefix + "group");
    }

    /** The name prefix of this instance's threads, e.g. {@code sim-slack-3-}. */
    public String prefix() {
        return prefix;
    }

    /** A new, unstarted daemon thread named {@code <prefix><role>}. */
    public Thread newThread(String role, Runnable task) {
        Thread thread = new Thread(group, task, prefix + role);
        thread.setDaemon(true);
        return thread;
    }

    /** A factory of daemon threads named {@code <prefix><role>-<n>}. */
    public ThreadFactory factory(String role) {
        return task -> newThread(role + "-" + sequence.incrementAndGet(), task);
    }

    /**
     * Runs {@code action} on a short-lived daemon thread of this group and waits for it, so that any thread
     * a library creates inside it inherits the group and the daemon flag.
     */
    public <T> T callInGroup(Callable<T> action) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread starter = newThread("starter", () -> {
            try {
                result.set(action.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        starter.start();
        starter.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        adoptStrays();
        return result.get();
    }

    /** Renames threads of this group that a library named itself, keeping their name as a suffix. */
    public void adoptStrays() {
        for (Thread thread : live()) {
            if (!thread.getName().startsWith(prefix)) {
                thread.setName(prefix + thread.getName());
            }
        }
    }

    /** The live threads of this group. */
    public List<Thread> live() {
        Thread[] threads = new Thread[group.activeCount() + 16];
        int count = group.enumerate(threads, true);
        return new ArrayList<>(Arrays.asList(threads).subList(0, count));
    }

    /**
     * Waits until every thread of this group except the caller has ended, up to {@code timeout}. Threads
     * started meanwhile (a connection accepted while closing) are waited for too.
     *
     * @return the threads still alive afterwards (empty when all ended)
     */
    public List<Thread> awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Thread> alive = live();
            alive.remove(Thread.currentThread());
            long left = deadline - System.nanoTime();
            if (alive.isEmpty() || left <= 0) {
                return alive;
            }
            alive.get(0).join(Math.max(1, left / 1_000_000));
        }
    }
}
