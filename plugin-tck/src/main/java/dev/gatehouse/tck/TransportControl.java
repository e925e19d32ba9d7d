package dev.gatehouse.tck;

import dev.gatehouse.api.GatewaySettings;
import java.util.Optional;

/**
 * The plugin author's handle on their platform's test server, for one conformance test. The kit opens
 * the gateway with {@link #settings()}, then uses the faults below; each must act on the connection the
 * gateway currently holds and return at once (the kit waits for the plugin's reaction itself).
 */
public interface TransportControl extends AutoCloseable {

    /**
     * The settings under {@code workspaces.<id>.<platform>} that point the gateway at this server,
     * secrets included. The kit checks that no value of a secret key ever shows in a message.
     *
     * @return the settings
     */
    GatewaySettings settings();

    /** Ends the current socket abruptly from the server side (a FIN or RST without a goodbye frame). */
    void drop();

    /**
     * Keeps the current socket open but carries nothing more in either direction (a black hole), so
     * that neither pings nor close frames are answered.
     */
    void stall();

    /** Ends every fault: the server accepts and answers again. */
    void restore();

    /**
     * Sends one event to the connected client.
     *
     * @return a token for {@link #acknowledged(String)}
     */
    String pushEvent();

    /**
     * Whether the client acknowledged the event sent as {@code token}.
     *
     * @param token what {@link #pushEvent()} returned
     * @return empty if the platform has no acknowledgements (the kit then skips that check)
     */
    default Optional<Boolean> acknowledged(String token) {
        return Optional.empty();
    }

    /**
     * Whether a thread belongs to this server rather than to the plugin, so that the thread-leak check
     * ignores it.
     *
     * @param thread a thread started during the test
     * @return {@code true} if the server started it
     */
    default boolean isServerThread(Thread thread) {
        return false;
    }

    /** Releases what this test registered on the server. */
    @Override
    default void close() {
    }
}
