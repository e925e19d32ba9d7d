package dev.gatehouse.host.heartbeat;

import java.time.Instant;
import java.util.List;

/**
 * The heartbeat file's state.
 *
 * @param file the file, or {@code null} if none is configured
 * @param lastWrite when it was last written, or {@code null}
 * @param withheld whether the last check withheld the write
 * @param withheldBecause why, one entry per reason
 * @param lastError the last write failure, or {@code null} once a write succeeded again
 */
public record HeartbeatStatus(String file, Instant lastWrite, boolean withheld, List<String> withheldBecause, String lastError) {
}
