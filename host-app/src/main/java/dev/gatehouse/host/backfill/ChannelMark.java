package dev.gatehouse.host.backfill;

import java.time.Instant;

/**
 * Where a connection stands in one channel: the latest message handled there and when.
 *
 * @param lastMessageId the latest message id handled in the channel (by {@link MessageIds#ORDER})
 * @param handledAt when the host handled a message there last (host clock)
 */
record ChannelMark(String lastMessageId, Instant handledAt) {
}
