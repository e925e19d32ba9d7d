package dev.gatehouse.host.testing;

import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

/**
 * Manual time for policy tests: a ticker, a clock, a scheduler and an executor that run nothing until
 * the test calls {@link #advance(Duration)} or {@link #runDue()}. Tasks run on the test thread, in due
 * order, with the clock set to their due time. Not thread-safe by design: one test thread drives it.
 */
public final class FakeTime implements Ticker, Scheduler, Executor {

    private static final Instant EPOCH = Instant.parse("2026-11-29T10:00:00Z");

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long now = 1_000_000_000L;
    private long seq;

    private static final class Task implements Comparable<Task> {
        final long due;
        final long order;
        final Runnable body;
        boolean cancelled;

        Task(long due, long order, Runnable body) {
            this.due = due;
            this.order = order;
            this.body = body;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    @Override
    public synchronized long nanos() {
        return now;
    }

    public synchronized Instant instant() {
        return EPOCH.plusNanos(now - 1_000_000_000L);
    }

    /** Elapsed time since the fake's origin. */
    public synchronized Duration elapsed() {
        return Duration.ofNanos(now - 1_000_000_000L);
    }

    public Clock clock() {
        FakeTime self = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return self.instant();
            }
        };
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(now + Math.max(0, delay.toNanos()), seq++, task);
        tasks.add(t);
        return () -> {
            synchronized (FakeTime.this) {
                t.cancelled = true;
            }
        };
    }

    @Override
    public void execute(Runnable command) {
        schedule(Duration.ZERO, command);
    }

    /** Runs every task due now, including tasks they schedule for now. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves time forward, running every task that falls due on the way, at its due time. */
    public void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                if (next.cancelled) {
                    continue;
                }
                now = Math.max(now, next.due);
            }
            next.body.run();
        }
    }

    /** Advances in steps, calling {@code probe} after each step (e.g. to sample state). */
    public void advanceBy(Duration total, Duration step, Runnable probe) {
        for (long done = 0; done < total.toNanos(); done += step.toNanos()) {
            advance(step);
            probe.run();
        }
    }
}
