package dev.gatehouse.discord;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin's one watch: every {@link #PERIOD} it runs the periodic check of each open connection (zombie
 * socket, unexplained loss, stuck session; see {@link TransportMonitor#check()}) on one plugin-wide thread.
 * A thread per connection used to sleep and wake ten times a second for this; now 500 bots cost one
 * wake-up per period, and a check is a few field reads under the connection's own lock.
 *
 * <p>The sweep runs only while at least one connection is registered.
 */
final class GatewayWatch {

    private static final Logger log = LoggerFactory.getLogger(GatewayWatch.class);
    /** How often each connection is checked. */
    static final Duration PERIOD = Duration.ofMillis(100);

    private final ScheduledExecutorService timer;
    private final Set<Check> checks = ConcurrentHashMap.newKeySet();
    /** Guarded by this: the running sweep, or {@code null} while no connection is registered. */
    private ScheduledFuture<?> sweep;

    /** Identity, not value, equality: each registration is removed on its own. */
    private static final class Check {
        final String label;
        final Runnable task;

        Check(String label, Runnable task) {
            this.label = label;
            this.task = task;
        }
    }

    GatewayWatch(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /**
     * Checks {@code task} every period from now on.
     *
     * @return ends the checks; idempotent
     */
    synchronized Runnable add(String label, Runnable task) {
        Check c = new Check(label, task);
        checks.add(c);
        if (sweep == null) {
            sweep = timer.scheduleWithFixedDelay(this::sweep, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        }
        return () -> remove(c);
    }

    private synchronized void remove(Check c) {
        if (checks.remove(c) && checks.isEmpty() && sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
    }

    /** Connections being checked: for tests. */
    int size() {
        return checks.size();
    }

    /** A periodic task that throws is never run again, and one connection's failure must not skip the others. */
    private void sweep() {
        for (Check c : checks) {
            try {
                c.task.run();
            } catch (RuntimeException e) {
                log.warn("{}: health check failed: {}", c.label, e.toString(), e);
            }
        }
    }
}
