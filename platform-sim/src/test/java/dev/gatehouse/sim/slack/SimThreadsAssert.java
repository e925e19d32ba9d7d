package dev.gatehouse.sim.slack;

import java.util.List;

/** Finds live threads by name prefix, for leak assertions. */
final class SimThreadsAssert {
    private SimThreadsAssert() {
    }

    /** Names of live threads starting with {@code prefix}. */
    static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(prefix))
                .sorted()
                .toList();
    }
}
