package dev.gatehouse.host.reload;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a plugin unloads, checks that its class loader becomes unreachable within a bound. Threads
 * still carrying it as context class loader are named in the log; if it survives, the plugin is
 * marked {@code leakSuspected} and a restart is recommended (the memory it pins is only reclaimed by
 * a restart).
 */
final class LeakCheck {

    private static final Logger log = LoggerFactory.getLogger(LeakCheck.class);

    private final Set<String> suspected = ConcurrentHashMap.newKeySet();

    /** Runs on the calling thread; returns whether the loader was collected within the bound. */
    boolean await(String pluginId, WeakReference<ClassLoader> ref, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        boolean named = false;
        while (ref.get() != null) {
            if (!named) {
                List<String> holders = threadsOf(ref);
                if (!holders.isEmpty()) {
                    log.info("plugin {}: threads still using its unloaded class loader: {}", pluginId, holders);
                    named = true;
                }
            }
            if (System.nanoTime() > deadline) {
                List<String> holders = threadsOf(ref);
                log.warn("plugin {}: its unloaded class loader is still reachable {} s after unload{}; restart recommended",
                        pluginId, bound.toSeconds(), holders.isEmpty() ? "" : " (threads: " + holders + ")");
                suspected.add(pluginId);
                return false;
            }
            System.gc();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        suspected.remove(pluginId);
        return true;
    }

    private static List<String> threadsOf(WeakReference<ClassLoader> ref) {
        ClassLoader l = ref.get();
        if (l == null) {
            return List.of();
        }
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getContextClassLoader() == l)
                .map(Thread::getName).sorted().collect(Collectors.toList());
    }

    boolean isSuspected(String pluginId) {
        return suspected.contains(pluginId);
    }

    boolean any() {
        return !suspected.isEmpty();
    }
}
