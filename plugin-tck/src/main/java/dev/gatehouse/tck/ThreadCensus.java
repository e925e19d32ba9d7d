package dev.gatehouse.tck;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Which threads appeared since a snapshot, leaving out the JVM's own and the test server's. */
final class ThreadCensus {

    /** Threads the JDK starts on demand for everyone (reference cleaning, HTTP keep-alive, the common pool). */
    private static final List<String> JVM_PREFIXES = List.of("Attach Listener", "Common-Cleaner", "process reaper",
            "Keep-Alive-Timer", "ForkJoinPool.commonPool-worker-", "Signal Dispatcher", "Reference Handler", "Finalizer",
            "Notification Thread", "JFR ", "RMI ", "surefire-", "junit-");

    private final Set<Thread> before;
    private final Predicate<Thread> serverThread;

    ThreadCensus(Predicate<Thread> serverThread) {
        this.before = Set.copyOf(Thread.getAllStackTraces().keySet());
        this.serverThread = serverThread;
    }

    /** Live threads started since the snapshot that are neither the JVM's nor the server's. */
    List<Thread> newThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .filter(t -> !isJvmThread(t) && !serverThread.test(t))
                .sorted(Comparator.comparing(Thread::getName))
                .toList();
    }

    static boolean isJvmThread(Thread t) {
        ThreadGroup g = t.getThreadGroup();
        if (g != null && (g.getName().equals("system") || g.getName().equals("InnocuousThreadGroup"))) {
            return true;
        }
        return JVM_PREFIXES.stream().anyMatch(t.getName()::startsWith);
    }

    static String describe(List<Thread> threads) {
        return threads.stream().map(t -> "'" + t.getName() + "' (" + t.getState() + ", at "
                + topFrame(t) + ")").toList().toString();
    }

    private static String topFrame(Thread t) {
        StackTraceElement[] st = t.getStackTrace();
        for (StackTraceElement e : st) {
            if (!e.getClassName().startsWith("java.") && !e.getClassName().startsWith("jdk.")
                    && !e.getClassName().startsWith("sun.")) {
                return e.toString();
            }
        }
        return st.length > 0 ? st[0].toString() : "?";
    }
}
