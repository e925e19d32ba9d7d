package dev.gatehouse.sim.discord;

/**
 * What became of one event pushed with a {@link SimBot} dispatch helper.
 *
 * @param eventType Discord event name, e.g. {@code MESSAGE_CREATE}
 * @param entityId  id of what the event is about (message id, interaction id), {@code null} for raw dispatches
 * @param sequence  the {@code s} given to the event in the bot's session, or -1 if it was not accepted
 * @param outcome   whether it went out on a socket, waits in the session for a RESUME, or was dropped
 */
public record DispatchReceipt(String eventType, String entityId, long sequence, Outcome outcome) {

    /** The fate of a dispatch. */
    public enum Outcome {
        /** Written to the bot's open gateway socket. */
        SENT,
        /** Logged in the session while no healthy socket is attached; a RESUME replays it (as on Discord). */
        BUFFERED,
        /** The bot has no live session (never identified, or invalidated): Discord would drop it too. */
        NO_SESSION,
        /** The session did not IDENTIFY with the intent this event needs, so Discord would not send it. */
        FILTERED_BY_INTENTS
    }

    /** True if the event is part of the session, sent now or replayable on resume. */
    public boolean accepted() {
        return outcome == Outcome.SENT || outcome == Outcome.BUFFERED;
    }
}
