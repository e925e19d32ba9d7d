package dev.gatehouse.host.supervisor;

/**
 * Thrown by a transport's open when this host may not run the connection now (in a cluster, it lost the
 * lease the connection was granted under). Not a failure of the connection: the supervisor stops it
 * without counting an attempt, and the ownership's revocation or a new grant follows.
 */
public final class NotOwnedException extends IllegalStateException {

    public NotOwnedException(String message) {
        super(message);
    }
}
