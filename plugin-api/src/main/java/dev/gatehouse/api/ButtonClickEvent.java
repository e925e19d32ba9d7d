package dev.gatehouse.api;

import java.util.Objects;

/**
 * A person clicked a button on one of the bot's messages. The gateway has already acknowledged the
 * interaction to the platform, so the person sees no error.
 *
 * @param eventId the platform's id of the interaction
 * @param channelId the channel of the message holding the button
 * @param messageId the message holding the button
 * @param userId who clicked
 * @param actionId the button's action id (Slack {@code action_id}, Discord {@code custom_id})
 * @param value the button's value, or {@code null} if the platform has none
 */
public record ButtonClickEvent(
        String eventId, String channelId, String messageId, String userId, String actionId, String value)
        implements InboundEvent {

    /**
     * Checks that the required ids are present.
     *
     * @param eventId see the record description
     * @param channelId see the record description
     * @param messageId see the record description
     * @param userId see the record description
     * @param actionId see the record description
     * @param value see the record description
     */
    public ButtonClickEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(actionId, "actionId");
    }
}
