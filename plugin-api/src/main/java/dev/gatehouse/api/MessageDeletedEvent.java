package dev.gatehouse.api;

import java.util.Objects;

/**
 * A message was deleted.
 *
 * @param eventId the platform's event id
 * @param channelId the channel of the deleted message
 * @param messageId the deleted message's id
 */
public record MessageDeletedEvent(String eventId, String channelId, String messageId) implements InboundEvent {

    /**
     * Checks that the required ids are present.
     *
     * @param eventId see the record description
     * @param channelId see the record description
     * @param messageId see the record description
     */
    public MessageDeletedEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(messageId, "messageId");
    }
}
