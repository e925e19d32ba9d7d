package dev.gatehouse.slack;

/**
 * Who this connection's bot is, from {@code auth.test} with the bot token.
 *
 * @param userId the bot's user id (what {@code <@…>} mentions name)
 * @param botId the bot id (what the bot's own messages carry as {@code bot_id})
 * @param teamId the workspace id
 */
record BotIdentity(String userId, String botId, String teamId) {
}
