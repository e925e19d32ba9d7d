package dev.gatehouse.bench;

/** Clients of one kind in a scale child, grown step by step while the process measures itself. */
interface Fleet extends AutoCloseable {

    /** Connects one client on the warm-up account and closes it again, so classes are loaded before the baseline. */
    void warmUp() throws Exception;

    /** Starts clients until there are {@code n}; they connect in the background. */
    void growTo(int n) throws Exception;

    /** How many clients {@link #growTo growTo(n)} starts: n, or more where one step spans several platforms. */
    default int clientsAt(int n) {
        return n;
    }

    /** How many clients are connected now, as each client itself sees it. */
    int connected();

    @Override
    void close();
}
