package dev.gatehouse.host.supervisor;

import dev.gatehouse.api.GatewayConnection;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * What a supervisor needs from the outside world for its one connection: open, close, and "is the
 * platform's network up at all". The host implements it over a plugin's {@code Gateway}; policy tests
 * implement it with a transport they drive. {@link #open} and {@link #close} may block; the supervisor
 * calls them on its blocking executor and bounds them itself.
 */
public interface Transport {

    /**
     * Opens a connection for one attempt.
     *
     * @param attempt the attempt's epoch and health handle
     * @return the connection
     * @throws Exception if opening failed
     */
    GatewayConnection open(AttemptHandle attempt) throws Exception;

    /**
     * Closes a connection and releases what its attempt owned. Must not throw.
     *
     * @param connection the connection, or {@code null} if the attempt never got one
     * @param attempt the attempt it belonged to
     */
    void close(GatewayConnection connection, AttemptHandle attempt);

    /**
     * Probes the platform's network without blocking.
     *
     * @return completes with {@code true} if the platform answered at all
     */
    CompletionStage<Boolean> networkUp();

    /**
     * The platform's minimum interval between two session starts of one connection (Discord: one
     * IDENTIFY per 5 s per bot). A handover opens its new connection no sooner than this after the
     * previous open began; the default is none.
     *
     * @return the interval, zero for none
     */
    default Duration minimumOpenInterval() {
        return Duration.ZERO;
    }
}
