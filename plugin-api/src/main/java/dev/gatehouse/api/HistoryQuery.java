package dev.gatehouse.api;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@link MessageHistory#page} should list: the messages of one channel created strictly after
 * {@code afterMessageId}, or, when that is {@code null}, created after {@code since}.
 *
 * @param channelId the platform's channel id
 * @param afterMessageId the last message the host handled in this channel, or {@code null}
 * @param since used when {@code afterMessageId} is {@code null}: list messages created after this instant
 *     (Slack: {@code oldest}; Discord: a snowflake made of it)
 * @param cursor the previous page's {@link HistoryPage#nextCursor()}, or {@code null} for the first page
 * @param limit how many messages a page may hold at most (the platform's own maximum may be lower)
 */
public record HistoryQuery(String channelId, String afterMessageId, Instant since, String cursor, int limit) {

    /**
     * Checks the query.
     *
     * @param channelId see the record description
     * @param afterMessageId see the record description
     * @param since see the record description
     * @param cursor see the record description
     * @param limit see the record description
     */
    public HistoryQuery {
        Objects.requireNonNull(channelId, "channelId");
        if (afterMessageId == null) {
            Objects.requireNonNull(since, "since (needed when afterMessageId is null)");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
    }
}
