package dev.gatehouse.sim.slack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Owns every thread of one simulator instance: daemon threads named {@code sim-slack-<n>-<role>}, all in
 * one {@link ThreadGroup}.
 *
 * <p>The group exists because the JDK {@code HttpServer} names its own threads ({@code HTTP-Dispatcher},
 * {@code idle-timeout-task}) and inherits the daemon flag from its creator. Libraries are therefore
 * started on a daemon thread of this group ({@link #callInGroup}); their threads inherit group and daemon
 * flag, and {@link #adoptStrays()} renames them so that a leak shows up under the simulator's prefix.
 */
final class SimThreads {
    /** Prefix shared by all simulator threads of this package. */
    static final String PREFIX = "sim-slack-";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String prefix;
    private final ThreadGroup group;
    private final AtomicInteger sequence = new AtomicInteger();

    SimThreads() {
        this.prefix = PREFIX + INSTANCES.incrementAndGet() + "-";
        this.group = new ThreadGroup(prefix + "group");
    }

    /** The name prefix of this instance's threads, e.g. {@code sim-slack-3-}. */
    String prefix() {
        return prefix;
    }

    /** A new, unstarted daemon thread named {@code <prefix><role>}. */
    Thread newThread(String role, Runnable task) {
        Thread thread = new Thread(group, task, prefix + role);
        thread.setDaemon(true);
        return thread;
    }

    /** A factory of daemon threads named {@code <prefix><role>-<n>}. */
    ThreadFactory factory(String role) {
        return task -> newThread(role + "-" + sequence.incrementAndGet(), task);
    }

    /**
     * Runs {@code action} on a short-lived daemon thread of this group and waits for it, so that any thread
     * a library creates inside it inherits the group and the daemon flag.
     */
    <T> T callInGroup(Callable<T> action) throws Exception {
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
    void adoptStrays() {
        for (Thread thread : live()) {
            if (!thread.getName().startsWith(prefix)) {
                thread.setName(prefix + thread.getName());
            }
        }
    }

    /** The live threads of this group. */
    List<Thread> live() {
        Thread[] threads = new Thread[group.activeCount() + 16];
        int count = group.enumerate(threads, true);
        return new ArrayList<>(Arrays.asList(threads).subList(0, count));
    }

    /**
     * Waits until every thread of this group except the caller has ended, up to {@code timeout}.
     *
     * @return the threads still alive afterwards (empty when all ended)
     */
    List<Thread> awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : live()) {
            long left = deadline - System.nanoTime();
            if (thread != Thread.currentThread() && left > 0) {
                thread.join(Math.max(1, left / 1_000_000));
            }
        }
        List<Thread> remaining = live();
        remaining.remove(Thread.currentThread());
        return remaining;
    }
}
