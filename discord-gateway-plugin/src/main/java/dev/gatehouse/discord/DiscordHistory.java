package dev.gatehouse.discord;

import dev.gatehouse.api.HistoryPage;
import dev.gatehouse.api.HistoryQuery;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.api.MessageHistory;
import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.requests.Request;
import net.dv8tion.jda.api.requests.Response;
import net.dv8tion.jda.api.requests.Route;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import net.dv8tion.jda.internal.requests.RestActionImpl;

/**
 * A channel's history over {@code GET /channels/{id}/messages?after=<snowflake>&limit=<n≤100>}: Discord
 * answers the {@code limit} messages right after {@code after}, newest first, so the next page starts
 * after the largest id of this one (the cursor). An instant becomes a snowflake as JDA's
 * {@code TimeUtil.getDiscordTimestamp} does: {@code (ms - 1420070400000) << 22}. Requests go through
 * {@link DiscordRest}, so JDA's per-route rate limiter waits out 429s ({@code retry_after}) within the
 * REST bound. Messages map as on the live path ({@link InboundEvents}): id {@code message:<id>}, bots
 * and the bot itself skipped.
 */
final class DiscordHistory implements MessageHistory {

    static final long DISCORD_EPOCH_MILLIS = 1_420_070_400_000L;
    static final int MAX_LIMIT = 100;

    private final JDA jda;
    private final DiscordRest rest;

    DiscordHistory(JDA jda, DiscordRest rest) {
        this.jda = jda;
        this.rest = rest;
    }

    /**
     * The {@code after} bound for messages created from {@code epochMillis} on: one below the smallest snowflake
     * of that millisecond, since {@code after} is exclusive and a snowflake may have all its low bits zero. The
     * millisecond itself is included (a message in it may be later than the instant); dedupe drops repeats.
     */
    static String afterInstant(long epochMillis) {
        return Long.toString(Math.max(0, (Math.max(0, epochMillis - DISCORD_EPOCH_MILLIS) << 22) - 1));
    }

    @Override
    public HistoryPage page(HistoryQuery q) {
        String after = q.cursor() != null ? q.cursor()
                : q.afterMessageId() != null ? q.afterMessageId() : afterInstant(q.since().toEpochMilli());
        int limit = Math.min(q.limit(), MAX_LIMIT);
        Route.CompiledRoute route = Route.Messages.GET_MESSAGE_HISTORY.compile(q.channelId())
                .withQueryParams("after", after, "limit", Integer.toString(limit));
        List<DataObject> raw = rest.call("read the history of channel " + q.channelId() + " after " + after,
                new RestActionImpl<>(jda, route, DiscordHistory::objects));
        String self = jda.getSelfUser().getId();
        List<MessageEvent> out = new ArrayList<>();
        long maxId = -1;
        for (DataObject m : raw) {
            maxId = Math.max(maxId, m.getLong("id"));
            MessageEvent e = person(m, q.channelId(), self);
            if (e != null) {
                out.add(e);
            }
        }
        return new HistoryPage(out, raw.size() >= limit && maxId >= 0 ? Long.toString(maxId) : null);
    }

    private static List<DataObject> objects(Response response, Request<List<DataObject>> request) {
        DataArray a = response.getArray();
        List<DataObject> list = new ArrayList<>(a.length());
        for (int i = 0; i < a.length(); i++) {
            list.add(a.getObject(i));
        }
        return list;
    }

    /** A person's message as the live path would map it, or {@code null} for the bot's own and other bots'. */
    private MessageEvent person(DataObject m, String channelId, String self) {
        DataObject author = m.optObject("author").orElse(null);
        if (author == null || author.getBoolean("bot", false) || self.equals(author.getString("id", ""))) {
            return null;
        }
        String id = m.getString("id");
        String replyTo = m.optObject("message_reference").map(r -> r.getString("message_id", null)).orElse(null);
        boolean mention = false;
        DataArray mentions = m.optArray("mentions").orElse(DataArray.empty());
        for (int i = 0; i < mentions.length(); i++) {
            mention |= self.equals(mentions.getObject(i).getString("id", ""));
        }
        // REST messages usually omit guild_id; JDA's cache knows every guild channel of a connected bot.
        boolean dm = !m.hasKey("guild_id") && jda.getGuildChannelById(channelId) == null;
        return new MessageEvent("message:" + id, m.getString("channel_id", channelId), id, replyTo,
                author.getString("id"), m.getString("content", ""), mention, dm);
    }
}
