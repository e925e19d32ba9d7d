package dev.gatehouse.host.supervisor;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.time.Scheduler.Cancellable;

/** One connection attempt. Every field is confined to the owning supervisor's mailbox. */
final class Attempt {

    /** {@code SPACED}: a candidate waiting out the platform's minimum interval between session starts. */
    enum Phase { SPACED, WAITING_FOR_CLOSE, OPENING, LIVE, DONE }

    final long epoch;
    final HealthHandle handle;
    final AttemptHandle view;
    /** Why the host began it; {@code null} for the first attempt and for retries after backoff. */
    final ReconnectKind kind;
    /** Where it opens and closes: the connection's transport, or a handover's target (a new plugin version). */
    final Transport transport;

    Phase phase = Phase.WAITING_FOR_CLOSE;
    GatewayConnection connection;
    boolean openReturned;
    boolean connectedSignal;
    boolean resumed;
    boolean hookable = true;
    /** Set once the host decided this attempt is over; its connection is then closed exactly once. */
    boolean retired;
    boolean closeIssued;
    /** Its open was refused because this host does not own the connection (not counted as a failure). */
    boolean notOwned;
    Cancellable timeout = Cancellable.NONE;

    Attempt(Supervisor owner, ConnectionKey key, long epoch, ReconnectKind kind, Transport transport) {
        this.epoch = epoch;
        this.kind = kind;
        this.transport = transport;
        this.handle = new HealthHandle(owner, epoch);
        this.view = new AttemptHandle(key, epoch, handle);
    }
}
