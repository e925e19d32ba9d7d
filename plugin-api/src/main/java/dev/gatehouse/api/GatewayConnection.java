package dev.gatehouse.api;

import java.util.Optional;

/**
 * One live connection of one workspace to its platform, as returned by
 * {@link Gateway#open(GatewayContext)}.
 *
 * <p>Outbound operations block until the platform answered and return or throw; the host calls them
 * on its own executors and bounds how long it waits. They honour the platform's rate limits (for
 * example by retrying after a bounded {@code Retry-After}). Implementations must be thread-safe.
 */
public interface GatewayConnection extends AutoCloseable {

    /**
     * Posts a message to a channel.
     *
     * @param channelId the platform's channel id
     * @param text the message text
     * @return the platform's id of the new message
     * @throws GatewayException when the platform refused the message or could not be reached
     */
    String post(String channelId, String text);

    /**
     * Posts a reply in a thread.
     *
     * @param channelId the platform's channel id
     * @param threadId the id of the thread (Slack: the parent message {@code ts}; Discord: the message
     *     replied to)
     * @param text the message text
     * @return the platform's id of the new message
     * @throws GatewayException when the platform refused the message or could not be reached
     */
    String reply(String channelId, String threadId, String text);

    /**
     * Replaces the text of a message this bot posted.
     *
     * @param channelId the platform's channel id
     * @param messageId the message to edit
     * @param text the new text
     * @throws GatewayException when the platform refused the edit or could not be reached
     */
    void edit(String channelId, String messageId, String text);

    /**
     * Deletes a message this bot posted.
     *
     * @param channelId the platform's channel id
     * @param messageId the message to delete
     * @throws GatewayException when the platform refused or could not be reached
     */
    void delete(String channelId, String messageId);

    /**
     * Adds a reaction to a message.
     *
     * @param channelId the platform's channel id
     * @param messageId the message to react to
     * @param emoji the emoji name without colons (Slack) or the unicode emoji (Discord)
     * @throws GatewayException when the platform refused or could not be reached
     */
    void react(String channelId, String messageId, String emoji);

    /**
     * The platform's message history, if this plugin can read it: after a gap that did not resume (and
     * after a host restart) the host lists what was posted meanwhile in the channels this connection saw
     * messages in, and hands those messages to the bot marked {@link MessageEvent#backfilled()}. The
     * default has none, so plugins written before API 1.2 keep working and their gaps are only reported.
     *
     * @return the history, or empty
     */
    default Optional<MessageHistory> history() {
        return Optional.empty();
    }

    /**
     * Releases every socket and thread this connection opened, so that no client of it can reconnect
     * or acknowledge events afterwards. Must return within {@link GatewayContext#closeTimeout()}; the
     * host counts a close that takes longer as hung. Must not throw; called exactly once by the host.
     */
    @Override
    void close();
}
