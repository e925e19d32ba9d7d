package dev.gatehouse.api;

/**
 * Optional capability of a {@link GatewayConnection}: lists the messages people posted in a channel
 * after a point, so that the host can hand the bot what it missed while no session was open (see
 * {@link GatewayConnection#history()}). The host decides when to ask (after a reconnect that did not
 * resume, and after its own restart), for which channels (those the connection saw messages in) and
 * how much (its window, channel and page bounds); the plugin only fetches.
 *
 * <p><b>Ids and order.</b> The messages are the {@link MessageEvent}s the live path would have
 * produced, with the same {@link MessageEvent#eventId()}, so that a message seen live and in history is
 * handled once. The host orders a channel's messages by {@link MessageEvent#messageId()} as decimal
 * numbers compare (a longer id is later; ids of one length compare as text), which holds for Slack's
 * {@code ts} and Discord's snowflakes; a platform whose ids do not order that way cannot offer history.
 * Pages may come in any order (Slack's go back in time, Discord's forward).
 *
 * <p><b>Rate limits.</b> Do not wait out a rate limit here: throw {@link RateLimitedException} with the
 * platform's {@code Retry-After}, and the host retries the same query later, within its own bound. The
 * host calls this on its own threads, one page at a time per connection; implementations must be
 * thread-safe like the connection.
 */
public interface MessageHistory {

    /**
     * Fetches one page.
     *
     * @param query the channel, the point to list after, the paging cursor and the page size
     * @return the page; its messages are people's messages only (the bot's own and other bots' skipped,
     *     as on the live path)
     * @throws RateLimitedException when the platform asked to wait before asking again
     * @throws GatewayException when the platform refused (for example a missing permission) or could not
     *     be reached
     */
    HistoryPage page(HistoryQuery query);
}
