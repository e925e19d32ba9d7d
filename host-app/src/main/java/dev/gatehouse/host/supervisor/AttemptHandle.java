package dev.gatehouse.host.supervisor;

import dev.gatehouse.api.GatewayHealth;

/**
 * One connection attempt as the transport sees it.
 *
 * @param key the connection
 * @param epoch the attempt number
 * @param health the attempt's revocable health handle
 */
public record AttemptHandle(ConnectionKey key, long epoch, GatewayHealth health) {

    /** @return whether the supervisor still considers this attempt current */
    public boolean isCurrent() {
        return health.isCurrent();
    }
}
