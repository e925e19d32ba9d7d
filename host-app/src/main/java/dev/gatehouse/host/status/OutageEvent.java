package dev.gatehouse.host.status;

import java.time.Duration;
import java.time.Instant;

/**
 * A connection came back on a fresh session after being down longer than the outage threshold:
 * events sent to the bot in between may be lost. A resumed reconnect never produces one.
 *
 * @param workspace the workspace id
 * @param platform the platform key
 * @param downFrom when the connection went down
 * @param upAt when it was connected again
 * @param gap how long it was down
 */
public record OutageEvent(String workspace, String platform, Instant downFrom, Instant upAt, Duration gap) {
}
