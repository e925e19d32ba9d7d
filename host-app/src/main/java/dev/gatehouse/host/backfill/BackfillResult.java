package dev.gatehouse.host.backfill;

/**
 * What one backfill did.
 *
 * @param recovered messages handed to the bot that it had not handled before
 * @param complete whether every visited channel was read to the end of the gap, no channel was left out
 *     and the gap lies within the window; {@code false} also when no backfill could run
 * @param detail a short explanation for the log and the status, e.g. "3 channel(s), 12 page(s)"
 */
public record BackfillResult(int recovered, boolean complete, String detail) {
}
