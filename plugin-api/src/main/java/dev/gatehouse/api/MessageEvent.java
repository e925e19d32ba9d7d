package dev.gatehouse.api;

import java.util.Objects;

/**
 * A message posted by a person (gateways skip their own messages and other bots').
 *
 * @param eventId the platform's event id (see {@link InboundEvent#eventId()})
 * @param channelId the channel the message was posted in
 * @param messageId the platform's id of the message (Slack {@code ts}, Discord snowflake)
 * @param threadId the thread the message belongs to, or {@code null} if it is not in a thread
 * @param authorId the platform's id of the author
 * @param text the message text as the platform delivered it
 * @param mention whether the message mentions this bot
 * @param directMessage whether the message was sent in a direct conversation with this bot
 * @param backfilled whether the host fetched this message from the platform's history after a gap
 *     (see {@link MessageHistory}) instead of receiving it live; its {@code eventId} is the one the live
 *     event would have had, so a message seen both ways is handled once
 */
public record MessageEvent(
        String eventId,
        String channelId,
        String messageId,
        String threadId,
        String authorId,
        String text,
        boolean mention,
        boolean directMessage,
        boolean backfilled) implements InboundEvent {

    /**
     * A live message ({@code backfilled} is {@code false}): the constructor of API 1.0 and 1.1, kept so
     * that plugins built against them run unchanged.
     *
     * @param eventId see the record description
     * @param channelId see the record description
     * @param messageId see the record description
     * @param threadId see the record description
     * @param authorId see the record description
     * @param text see the record description
     * @param mention see the record description
     * @param directMessage see the record description
     */
    public MessageEvent(String eventId, String channelId, String messageId, String threadId, String authorId,
            String text, boolean mention, boolean directMessage) {
        this(eventId, channelId, messageId, threadId, authorId, text, mention, directMessage, false);
    }

    /**
     * Checks that the required ids are present.
     *
     * @param eventId see the record description
     * @param channelId see the record description
     * @param messageId see the record description
     * @param threadId see the record description
     * @param authorId see the record description
     * @param text see the record description
     * @param mention see the record description
     * @param directMessage see the record description
     * @param backfilled see the record description
     */
    public MessageEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(authorId, "authorId");
        text = text == null ? "" : text;
    }

    /**
     * This message as fetched from history after a gap.
     *
     * @return a copy with {@code backfilled} set
     */
    public MessageEvent asBackfilled() {
        return new MessageEvent(eventId, channelId, messageId, threadId, authorId, text, mention, directMessage, true);
    }
}
