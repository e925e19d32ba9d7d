package dev.gatehouse.host.reload;

import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.time.Ticker;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a plugin unloads, checks that its class loader becomes unreachable within a bound. Threads
 * still carrying it as context class loader are named in the log. A loader that survives the bound is
 * "suspected": the plugin shows {@code leakSuspected} and a restart is recommended, for as long as that
 * loader stays reachable (the memory it pins is only reclaimed once it is collected, or by a restart).
 * One thread checks every pending loader, one GC request per round (on its own thread: a full GC is no
 * work for the scheduler's); deadlines are measured with the host's ticker.
 */
final class LeakCheck implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeakCheck.class);

    private record Pending(String pluginId, WeakReference<ClassLoader> ref, long deadlineNanos, boolean[] named) {
    }

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.factory("gatehouse-leakcheck"));
    private final Ticker ticker;
    /** Guarded by this. */
    private final List<Pending> pending = new ArrayList<>();
    /** Guarded by this: loaders that outlived their bound. */
    private final List<Pending> suspected = new ArrayList<>();
    private boolean scheduled;

    LeakCheck(Ticker ticker) {
        this.ticker = ticker;
    }

    /** Starts watching a loader that was just unloaded. */
    synchronized void watch(String pluginId, ClassLoader loader, Duration bound) {
        if (loader == null) {
            return;
        }
        pending.add(new Pending(pluginId, new WeakReference<>(loader), ticker.nanos() + bound.toNanos(), new boolean[1]));
        if (!scheduled) {
            scheduled = true;
            thread.schedule(this::round, 200, TimeUnit.MILLISECONDS);
        }
    }

    private void round() {
        System.gc();
        List<Pending> now;
        synchronized (this) {
            now = List.copyOf(pending);
        }
        long t = ticker.nanos();
        List<Pending> done = new ArrayList<>();
        for (Pending p : now) {
            if (p.ref().get() == null) {
                done.add(p);
                continue;
            }
            List<String> holders = threadsOf(p.ref());
            if (!p.named()[0] && !holders.isEmpty()) {
                p.named()[0] = true;
                log.info("plugin {}: threads still using its unloaded class loader: {}", p.pluginId(), holders);
            }
            if (t > p.deadlineNanos()) {
                log.warn("plugin {}: an unloaded class loader is still reachable after its bound{}; restart recommended",
                        p.pluginId(), holders.isEmpty() ? "" : " (threads: " + holders + ")");
                done.add(p);
                synchronized (this) {
                    suspected.add(p);
                }
            }
        }
        synchronized (this) {
            pending.removeAll(done);
            if (pending.isEmpty()) {
                scheduled = false;
            } else {
                thread.schedule(this::round, 200, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static List<String> threadsOf(WeakReference<ClassLoader> ref) {
        ClassLoader l = ref.get();
        if (l == null) {
            return List.of();
        }
        return Thread.getAllStackTraces().keySet().stream().filter(th -> th.getContextClassLoader() == l)
                .map(Thread::getName).sorted().collect(Collectors.toList());
    }

    /** Whether a loader of this plugin outlived its bound and is still reachable. */
    synchronized boolean isSuspected(String pluginId) {
        suspected.removeIf(p -> p.ref().get() == null);
        return suspected.stream().anyMatch(p -> p.pluginId().equals(pluginId));
    }

    /** Whether any unloaded loader outlived its bound and is still reachable. */
    synchronized boolean any() {
        suspected.removeIf(p -> p.ref().get() == null);
        return !suspected.isEmpty();
    }

    /** Unloaded loaders not yet collected: still watched within their bound, or suspected past it. */
    synchronized int pending() {
        suspected.removeIf(p -> p.ref().get() == null);
        return pending.size() + suspected.size();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
