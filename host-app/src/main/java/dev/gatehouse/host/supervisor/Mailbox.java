package dev.gatehouse.host.supervisor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervisor's serial executor (an actor's mailbox): every signal, tick and command becomes a task
 * here, and tasks run one at a time, in order, on the host executor it is given, so the supervisor's
 * state needs no lock. A task records effects (listener calls, hand-overs to the blocking executor); they
 * run right after the task's state change and snapshot, on the same host thread, never on the thread
 * that posted the task (a plugin's I/O thread). A task or effect that throws is logged, and the mailbox
 * goes on: nothing can wedge it.
 *
 * <p>With a direct executor ({@code Runnable::run}, policy tests on fake time) the posting thread drains
 * the mailbox itself and a task posted from inside a task runs after it (a trampoline), which keeps the
 * order and the absence of re-entrance.
 */
final class Mailbox {

    private static final Logger log = LoggerFactory.getLogger(Mailbox.class);

    private final String owner;
    private final Executor executor;
    private final Runnable afterEachTask;
    private final Object queueLock = new Object();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // guarded by queueLock
    private boolean scheduled;                                   // guarded by queueLock
    /** Effects of the task running now; only touched by the thread draining the mailbox. */
    private List<Runnable> effects = new ArrayList<>();

    Mailbox(String owner, Executor executor, Runnable afterEachTask) {
        this.owner = owner;
        this.executor = executor;
        this.afterEachTask = afterEachTask;
    }

    /** Queues a task; returns at once unless the executor is direct and the mailbox idle. */
    void post(Runnable task) {
        synchronized (queueLock) {
            queue.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (queueLock) {
                scheduled = false;
                queue.clear();
            }
            log.debug("{}: host executor shut down; dropping supervisor work", owner);
        }
    }

    /** Tasks waiting to run (diagnostics and tests). */
    int pending() {
        synchronized (queueLock) {
            return queue.size();
        }
    }

    /** Records an effect of the running task, to run after its state change. Mailbox thread only. */
    void effect(Runnable effect) {
        effects.add(effect);
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (queueLock) {
                task = queue.poll();
                if (task == null) {
                    scheduled = false;
                    return;
                }
            }
            runGuarded(task, "task");
            runGuarded(afterEachTask, "snapshot");
            List<Runnable> due = effects;
            effects = new ArrayList<>();
            due.forEach(e -> runGuarded(e, "side effect"));
        }
    }

    /** Runs one task or effect; whatever it throws (a {@code StackOverflowError} too) is logged, never rethrown. */
    private void runGuarded(Runnable r, String what) {
        try {
            r.run();
        } catch (Throwable t) {
            try {
                log.error("{}: supervisor {} failed: {}", owner, what, t.toString(), t);
            } catch (Throwable ignored) {
                // logging itself failed (out of memory): the mailbox still goes on
            }
        }
    }
}
