package dev.gatehouse.api;

/**
 * An event a gateway received from its platform, normalised across platforms.
 */
public sealed interface InboundEvent
        permits MessageEvent, ButtonClickEvent, ReactionAddedEvent, MessageDeletedEvent {

    /**
     * The platform's own id of this event, identical across redeliveries of the same event (Slack's
     * {@code event_id}; for Discord a key derived from the dispatch type and the object ids). The host
     * deduplicates on it.
     *
     * @return the event id, never {@code null}
     */
    String eventId();

    /**
     * The channel the event happened in.
     *
     * @return the platform's channel id, never {@code null}
     */
    String channelId();
}
