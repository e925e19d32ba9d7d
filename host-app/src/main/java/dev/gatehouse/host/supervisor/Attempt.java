package dev.gatehouse.host.supervisor;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.host.status.ReconnectKind;
import dev.gatehouse.host.time.Scheduler.Cancellable;

/** One connection attempt. Every field is confined to the owning supervisor's mailbox. */
final class Attempt {

    enum Phase { WAITING_FOR_CLOSE, OPENING, LIVE, DONE }

    final long epoch;
    final HealthHandle handle;
    final AttemptHandle view;
    /** Why the host began it; {@code null} for the first attempt and for retries after backoff. */
    final ReconnectKind kind;

    Phase phase = Phase.WAITING_FOR_CLOSE;
    GatewayConnection connection;
    boolean openReturned;
    boolean connectedSignal;
    boolean resumed;
    boolean hookable = true;
    /** Set once the host decided this attempt is over; its connection is then closed exactly once. */
    boolean retired;
    boolean closeIssued;
    Cancellable timeout = Cancellable.NONE;

    Attempt(Supervisor owner, ConnectionKey key, long epoch, ReconnectKind kind) {
        this.epoch = epoch;
        this.kind = kind;
        this.handle = new HealthHandle(owner, epoch);
        this.view = new AttemptHandle(key, epoch, handle);
    }
}
