package dev.gatehouse.tck;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewaySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection attempt, as the host makes it: a context of its own (recording health, sink and
 * executors), {@code open} and {@code close} on fresh threads within bounds, and the handle revoked
 * before the close.
 */
final class Attempt implements AutoCloseable {

    static final String WORKSPACE = "conformance";

    final RecordingHealth health = new RecordingHealth();
    final RecordingSink sink = new RecordingSink();
    final TckContext context;
    private final LoadedPlugin plugin;
    private GatewayConnection connection;
    private boolean closed;
    /** Every message the plugin produced outside its health signals: exceptions and {@code toString}s. */
    final List<String> messages = new ArrayList<>();

    Attempt(LoadedPlugin plugin, GatewaySettings settings, long epoch, Duration closeTimeout) {
        this.plugin = plugin;
        String platform = plugin.gateway().platform();
        this.context = new TckContext(WORKSPACE, platform, epoch, settings, health, sink,
                new TckExecutors(platform + "-" + epoch, plugin.loader()), closeTimeout);
    }

    /** Opens the connection; rethrows what {@code open} threw, or {@link Bounded.Timeout}. */
    Attempt open(Duration bound) throws Exception {
        try {
            connection = Bounded.call("open", bound, plugin.loader(), () -> plugin.gateway().open(context));
            messages.add(String.valueOf(connection));
            return this;
        } catch (Exception e) {
            record(e);
            throw e;
        }
    }

    GatewayConnection connection() {
        return connection;
    }

    /** Revokes the handle and the sink, as the host does when it supersedes the attempt. */
    void revoke() {
        health.revoke();
        sink.revoke();
    }

    /**
     * Calls the connection's close once on a fresh thread.
     *
     * @return how long it took
     * @throws Exception what close threw, or {@link Bounded.Timeout} after {@code bound}
     */
    Duration closeOnce(Duration bound) throws Exception {
        long start = System.nanoTime();
        closed = true;
        try {
            GatewayConnection c = connection;
            Bounded.call("close", bound, plugin.loader(), () -> {
                c.close();
                return null;
            });
        } catch (Exception e) {
            record(e);
            throw e;
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    void record(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.add(t.toString());
        }
    }

    /** Revokes, closes if still open (quietly, within the close timeout) and stops the attempt's executors. */
    @Override
    public void close() {
        revoke();
        if (connection != null && !closed) {
            try {
                closeOnce(context.closeTimeout());
            } catch (Exception e) {
                // The check that cares has failed already; here only the cleanup matters.
            }
        }
        connection = null;
        context.executors.shutdown(Duration.ofSeconds(5));
    }
}
