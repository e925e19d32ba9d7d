package dev.gatehouse.host.reload;

import dev.gatehouse.host.connections.ConnectionRegistry;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.supervisor.ConnectionKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Whether a new version connects as well as the old one did: every connection that was connected before
 * the swap must settle within the bound after the reopen. Connected settles it; so does FAILED, which is
 * the platform's word about that workspace (a revoked token), not about the plugin: such a connection
 * never blocks or rolls back a swap, it was reopened and may fail again on its own. Connections that were
 * not connected before the swap are not the new version's to prove.
 */
final class Verdict {

    private final ConnectionRegistry connections;
    private final Waits waits;
    private final Duration bound;

    Verdict(ConnectionRegistry connections, Waits waits, Duration bound) {
        this.connections = connections;
        this.waits = waits;
        this.bound = bound;
    }

    /** Empty once every connection settled; else which did not, and how long was really waited. */
    Optional<String> await(List<ConnectionKey> wereConnected) {
        long reopened = waits.nanos();
        Optional<String> verdict = waits.until(Duration.ofMillis(25), () -> {
            List<String> unsettled = wereConnected.stream().filter(connections::isEnabled)
                    .map(k -> connections.get(k).map(e -> e.supervisor().status()))
                    .flatMap(Optional::stream).filter(st -> !settled(st.state())).map(Verdict::describe).toList();
            if (unsettled.isEmpty()) {
                return Optional.of("");
            }
            long waited = waits.nanos() - reopened;
            if (waited < bound.toNanos()) {
                return Optional.empty();
            }
            return Optional.of("not connected " + Duration.ofNanos(waited).toMillis() + " ms after the connections reopened"
                    + " (bound " + bound.toMillis() + " ms; they were connected before the swap): " + String.join(", ", unsettled));
        });
        return verdict.isPresent() ? verdict.filter(v -> !v.isEmpty())
                : Optional.of("interrupted after " + waits.since(reopened).toMillis() + " ms (the host is closing)");
    }

    private static boolean settled(ConnectionState s) {
        return s == ConnectionState.CONNECTED || s == ConnectionState.FAILED;
    }

    private static String describe(ConnectionStatus st) {
        return st.workspace() + "/" + st.platform() + " " + st.state() + (st.lastError() == null ? "" : " (" + st.lastError() + ")");
    }
}
