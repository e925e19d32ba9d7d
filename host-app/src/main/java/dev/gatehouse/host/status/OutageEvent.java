package dev.gatehouse.host.status;

import java.time.Duration;
import java.time.Instant;

/**
 * A connection came back on a fresh session after being down longer than the outage threshold (or the
 * host itself was down): events sent to the bot in between may be lost. A resumed reconnect never
 * produces one. Where the plugin can read the platform's history, the host first fetches the messages
 * of the gap (see the README, Backfill) and the report says what came back.
 *
 * @param workspace the workspace id
 * @param platform the platform key
 * @param downFrom when the connection went down
 * @param upAt when it was connected again
 * @param gap how long it was down
 * @param recovered messages posted during the gap that the backfill handed to the bot
 * @param complete whether the backfill covered the whole gap in every channel the connection saw
 *     messages in; {@code false} when no backfill ran (events of the gap may be lost)
 * @param backfill what the backfill did, or why none ran
 */
public record OutageEvent(String workspace, String platform, Instant downFrom, Instant upAt, Duration gap, int recovered,
        boolean complete, String backfill) {

    /** A report before any backfill: nothing recovered, not covered. */
    public OutageEvent(String workspace, String platform, Instant downFrom, Instant upAt, Duration gap) {
        this(workspace, platform, downFrom, upAt, gap, 0, false, "not backfilled");
    }

    /** @return a copy stating what a backfill recovered */
    public OutageEvent withBackfill(int recoveredMessages, boolean coveredAll, String what) {
        return new OutageEvent(workspace, platform, downFrom, upAt, gap, recoveredMessages, coveredAll, what);
    }
}
