package dev.gatehouse.host.exec;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads for the host's own pools. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /**
     * Threads named {@code prefix-1}, {@code prefix-2}, …, daemons, with the host's class loader.
     *
     * <p>Host pools start threads lazily, often inside a plugin's call (a plugin delivering the first
     * event starts a handler thread). On JDK 17 a new thread keeps the access-control context of its
     * creator's stack — including the protection domains, and so the class loaders, of plugin classes
     * on it — for its whole life: a long-lived host thread would pin an unloaded plugin's class loader
     * forever. Creating the thread inside {@code doPrivileged} limits that context to this class.
     */
    @SuppressWarnings("removal")
    public static ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        ClassLoader hostLoader = DaemonThreads.class.getClassLoader();
        return r -> AccessController.doPrivileged((PrivilegedAction<Thread>) () -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(hostLoader);
            return t;
        });
    }

    /**
     * An unbounded pool for plugin calls whose idle threads end after {@code keepAlive} (zero: every
     * task runs on a thread that ends with it).
     *
     * <p>Plugin code can leave thread-locals on the threads it runs on (libraries keep per-thread
     * caches); an entry whose value is a plugin object keeps that plugin's class loader reachable for
     * as long as the thread lives. With the JDK's cached pool (idle threads kept 60 s) every swapped-out
     * Slack plugin stayed in memory for 57 s after a hot reload; with threads that end with their call,
     * or soon after, it is collected at the next GC.
     *
     * @param prefix thread name prefix
     * @param keepAlive how long an idle thread waits for another task
     * @return the pool
     */
    public static ExecutorService shortLivedPool(String prefix, Duration keepAlive) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, keepAlive.toNanos(), TimeUnit.NANOSECONDS,
                new SynchronousQueue<>(), factory(prefix));
    }
}
