package dev.gatehouse.host.supervisor;

import java.util.Objects;

/**
 * Identifies one supervised connection.
 *
 * @param workspace the workspace id
 * @param platform the platform key
 */
public record ConnectionKey(String workspace, String platform) {

    public ConnectionKey {
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(platform, "platform");
    }

    /** @return {@code platform/workspace}, the form used in every log line */
    @Override
    public String toString() {
        return platform + "/" + workspace;
    }
}
