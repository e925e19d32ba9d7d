package dev.gatehouse.api;

import java.util.Objects;

/**
 * A person added a reaction to a message.
 *
 * @param eventId the platform's event id
 * @param channelId the channel of the message
 * @param messageId the message reacted to
 * @param userId who reacted
 * @param emoji the emoji name (Slack, without colons) or the unicode emoji or custom emoji name (Discord)
 */
public record ReactionAddedEvent(String eventId, String channelId, String messageId, String userId, String emoji)
        implements InboundEvent {

    /**
     * Checks that the required ids are present.
     *
     * @param eventId see the record description
     * @param channelId see the record description
     * @param messageId see the record description
     * @param userId see the record description
     * @param emoji see the record description
     */
    public ReactionAddedEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(emoji, "emoji");
    }
}
