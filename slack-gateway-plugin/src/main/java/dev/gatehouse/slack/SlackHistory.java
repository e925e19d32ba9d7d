package dev.gatehouse.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.conversations.ConversationsHistoryResponse;
import com.slack.api.model.Message;
import dev.gatehouse.api.GatewayException;
import dev.gatehouse.api.HistoryPage;
import dev.gatehouse.api.HistoryQuery;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.api.MessageHistory;
import dev.gatehouse.api.RateLimitedException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A channel's history over {@code conversations.history} with the bot token: {@code oldest} is the last
 * handled message's {@code ts} (exclusive, Slack's default) or the instant asked for; pages follow
 * {@code response_metadata.next_cursor} while {@code has_more}. A 429 becomes a
 * {@link RateLimitedException} carrying {@code Retry-After}, for the host to wait out. Messages map as on
 * the live path ({@link EventMapper}): id {@code msg:<channel>:<ts>}, bots, the bot itself and
 * non-message subtypes skipped.
 */
final class SlackHistory implements MessageHistory {

    /** Slack's maximum page size. */
    static final int MAX_LIMIT = 999;
    private static final Set<String> PERSON_SUBTYPES = Set.of("thread_broadcast", "file_share", "me_message");

    private final MethodsClient methods;
    private final BotIdentity me;

    SlackHistory(MethodsClient methods, BotIdentity me) {
        this.methods = methods;
        this.me = me;
    }

    /** An instant as a Slack {@code ts}: seconds and microseconds. */
    static String ts(Instant at) {
        return String.format(Locale.ROOT, "%d.%06d", at.getEpochSecond(), at.getNano() / 1000);
    }

    @Override
    public HistoryPage page(HistoryQuery q) {
        String what = "slack conversations.history (" + q.channelId() + ")";
        String oldest = q.afterMessageId() != null ? q.afterMessageId() : ts(q.since());
        ConversationsHistoryResponse r;
        try {
            r = methods.conversationsHistory(req -> req.channel(q.channelId()).oldest(oldest)
                    .limit(Math.min(q.limit(), MAX_LIMIT)).cursor(q.cursor()));
        } catch (SlackApiException e) {
            int status = e.getResponse().code();
            if (status == 429) {
                throw new RateLimitedException(what + ": HTTP 429", RateLimitRetry.retryAfter(e.getResponse().header("Retry-After")));
            }
            String error = e.getError() == null ? "" : " '" + e.getError().getError() + "'";
            throw new GatewayException(what + " failed: HTTP " + status + error, status >= 500, null);
        } catch (IOException e) {
            throw new GatewayException(what + " failed: " + e.getMessage(), true, e);
        }
        if (!r.isOk()) {
            if ("ratelimited".equals(r.getError())) {
                throw new RateLimitedException(what + ": ratelimited", Duration.ofSeconds(1));
            }
            throw new GatewayException(what + " refused: '" + r.getError() + "'", false, null);
        }
        List<MessageEvent> out = new ArrayList<>();
        if (r.getMessages() != null) {
            for (Message m : r.getMessages()) {
                MessageEvent e = person(q.channelId(), m);
                if (e != null) {
                    out.add(e);
                }
            }
        }
        String next = r.getResponseMetadata() == null ? null : r.getResponseMetadata().getNextCursor();
        return new HistoryPage(out, r.isHasMore() && next != null && !next.isBlank() ? next : null);
    }

    private MessageEvent person(String channel, Message m) {
        if (m.getTs() == null || m.getUser() == null || m.getBotId() != null || m.getUser().equals(me.userId())
                || m.getSubtype() != null && !PERSON_SUBTYPES.contains(m.getSubtype())) {
            return null;
        }
        String text = m.getText();
        boolean mention = text != null && me.userId() != null
                && (text.contains("<@" + me.userId() + ">") || text.contains("<@" + me.userId() + "|"));
        return new MessageEvent(EventMapper.messageKey(channel, m.getTs()), channel, m.getTs(), m.getThreadTs(), m.getUser(),
                text, mention, channel.startsWith("D"));
    }
}
