package dev.gatehouse.api;

import java.util.concurrent.CompletionStage;

/**
 * Where a plugin hands the events it receives. The host deduplicates on
 * {@link InboundEvent#eventId()} within a window, so a platform's redelivery reaches the bot's
 * handlers once; it runs handlers on its own executors, so a slow or failing handler never blocks the
 * plugin.
 */
public interface InboundSink {

    /**
     * Hands one event to the host. Never blocks and never throws.
     *
     * <p>Acknowledge to the platform only once the returned stage completed normally, or — for
     * platforms with an acknowledgement deadline such as Slack's 3 s — once a deadline shorter than the
     * platform's has passed while the stage is still pending: the host has then taken the event and
     * will handle it. If the stage completed exceptionally the host did not take the event (it is
     * shutting down or this attempt was superseded): do not acknowledge, so the platform redelivers it.
     *
     * @param event the event
     * @return completes when the bot's handlers finished with the event, or when it was a duplicate of
     *     an event that was already taken
     */
    CompletionStage<Void> deliver(InboundEvent event);
}
