package dev.gatehouse.slack.it;

import java.util.List;
import java.util.Set;

/** Live threads of this JVM, for leak assertions by name and by class loader. */
final class JvmThreads {

    /** Names of threads the Slack SDK, Tyrus/Grizzly or the host's plugin executors create. */
    static final List<String> CONNECTION_THREAD_PREFIXES = List.of("gh-slack-", "socket-mode-", "slack-api-metrics",
            "slack-bolt-socket-mode", "bolt-app-threads", "Grizzly", "tyrus-", "OkHttp");

    private JvmThreads() {
    }

    static Set<Thread> all() {
        return Thread.getAllStackTraces().keySet();
    }

    /** Live threads whose name starts with one of the prefixes. */
    static List<String> named(List<String> prefixes) {
        return all().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> prefixes.stream().anyMatch(n::startsWith)).sorted().toList();
    }

    /** Live threads that have {@code loader} as context class loader or were created from a class it loaded. */
    static List<String> tiedTo(ClassLoader loader) {
        return all().stream().filter(Thread::isAlive)
                .filter(t -> t.getContextClassLoader() == loader || t.getClass().getClassLoader() == loader)
                .map(Thread::getName).sorted().toList();
    }

    /** The plugin's class loader, from one of the host threads lent to it (the host sets it as context loader). */
    static ClassLoader pluginLoader(String threadPrefix) {
        return all().stream().filter(t -> t.getName().startsWith(threadPrefix)).map(Thread::getContextClassLoader)
                .findFirst().orElseThrow(() -> new IllegalStateException("no thread named " + threadPrefix + "*"));
    }
}
