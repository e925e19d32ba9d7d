package dev.gatehouse.host.testing;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Live threads of this JVM by name prefix. Tests that assert "nothing of mine is left" compare against
 * a snapshot taken before they started: a previous test may have left a thread on purpose (a plugin
 * whose close hangs for a minute is abandoned by the host, not killed), and it is not theirs.
 */
public final class LiveThreads {

    private LiveThreads() {
    }

    /** Live threads whose name starts with one of {@code prefixes}. */
    public static Set<Thread> named(String... prefixes) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> Arrays.stream(prefixes).anyMatch(p -> t.getName().startsWith(p)))
                .collect(Collectors.toSet());
    }

    /**
     * Ids of the live threads named with one of {@code prefixes}: a snapshot to compare with later.
     * Ids, not threads: a {@code Thread} object keeps its context class loader reachable after it ended.
     */
    public static Set<Long> idsOf(String... prefixes) {
        return named(prefixes).stream().map(Thread::getId).collect(Collectors.toSet());
    }

    /** Live threads named with one of {@code prefixes} whose id is not in {@code before}. */
    public static Set<Thread> namedSince(Set<Long> before, String... prefixes) {
        Set<Thread> now = named(prefixes);
        now.removeIf(t -> before.contains(t.getId()));
        return now;
    }

    /** Name, state and the top frames of each thread, for a failure message. */
    public static String describe(Set<Thread> threads) {
        return threads.stream().map(t -> t.getName() + " " + t.getState() + Arrays.stream(t.getStackTrace()).limit(8)
                .map(f -> "\n    at " + f).collect(Collectors.joining())).collect(Collectors.joining("\n"));
    }
}
