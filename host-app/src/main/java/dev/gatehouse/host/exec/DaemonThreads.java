package dev.gatehouse.host.exec;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads for the host's own pools. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Threads named {@code prefix-1}, {@code prefix-2}, …, daemons, with the host's class loader. */
    public static ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        ClassLoader hostLoader = DaemonThreads.class.getClassLoader();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(hostLoader);
            return t;
        };
    }
}
