package dev.gatehouse.sim.discord;

import java.time.Instant;
import java.util.Optional;

/** One gateway TCP connection as the simulator sees it. */
public interface SimConnection {

    /** Sequence number of the connection within the simulator, from 1. */
    long id();

    /** The bot this connection identified or resumed as, once known. */
    Optional<SimBot> bot();

    /** Request path of the upgrade: {@code /} for the gateway URL, {@code /resume} for the resume URL. */
    String path();

    /** When the TCP connection was accepted. */
    Instant acceptedAt();

    /**
     * When the simulator answered READY or RESUMED on it, i.e. when a session started or was resumed here; empty
     * before (and for a connection that never got that far). The moment a client counts as connected again.
     */
    Optional<Instant> sessionAt();

    /** False once either side closed it or the simulator dropped it. */
    boolean isOpen();

    /** Applies a fault to this connection; returns false if it was already closed. */
    boolean inject(GatewayFault fault);
}
