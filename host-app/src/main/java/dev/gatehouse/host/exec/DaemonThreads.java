package dev.gatehouse.host.exec;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.concurrent.ThreadFactory;
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
}
