package dev.gatehouse.discord;

import dev.gatehouse.api.GatewayException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.emoji.Emoji;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.RateLimitedException;
import net.dv8tion.jda.api.requests.Request;
import net.dv8tion.jda.api.requests.Response;
import net.dv8tion.jda.api.requests.Route;
import net.dv8tion.jda.internal.requests.RestActionImpl;
import okhttp3.MediaType;
import okhttp3.RequestBody;

/**
 * Outbound operations through JDA's REST requester, so JDA's per-route rate limiting (429 and
 * {@code Retry-After}) applies. Requests address Discord's routes by channel and message id directly:
 * JDA's entity methods ({@code TextChannel.sendMessage} …) need the channel in JDA's cache, and a
 * light JDA caches guild channels only while connected and the ten most recent DM channels, so a reply
 * to an older DM or after a reconnect would fail for no reason Discord knows of.
 *
 * <p>Each call blocks the calling host thread up to the REST bound: JDA's own deadline drops a request
 * still waiting for its rate limit, and the wait itself is interruptible and cancels the request,
 * which JDA's {@code complete()} (an uninterruptible {@code join()}) would not. Request bodies are
 * written here rather than with JDA's Jackson-backed {@code DataObject}, so no Jackson buffer ends up in
 * a thread-local of the host's thread (it would keep the plugin's class loader reachable).
 */
final class DiscordRest {

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final JDA jda;
    private final Duration bound;

    DiscordRest(JDA jda, Duration bound) {
        this.jda = jda;
        this.bound = bound;
    }

    String post(String channelId, String text) {
        return call("post to channel " + channelId, new RestActionImpl<>(jda, Route.Messages.SEND_MESSAGE.compile(channelId),
                body("{\"content\":" + Json.string(text) + "}"), DiscordRest::messageId));
    }

    /** A Discord reply: a new message referencing {@code messageId}; sent as a plain message if that one is gone. */
    String reply(String channelId, String messageId, String text) {
        String json = "{\"content\":" + Json.string(text) + ",\"message_reference\":{\"message_id\":"
                + Json.string(messageId) + ",\"channel_id\":" + Json.string(channelId) + ",\"fail_if_not_exists\":false}}";
        return call("reply to message " + messageId + " in channel " + channelId,
                new RestActionImpl<>(jda, Route.Messages.SEND_MESSAGE.compile(channelId), body(json), DiscordRest::messageId));
    }

    void edit(String channelId, String messageId, String text) {
        call("edit message " + messageId + " in channel " + channelId, new RestActionImpl<Void>(jda,
                Route.Messages.EDIT_MESSAGE.compile(channelId, messageId), body("{\"content\":" + Json.string(text) + "}")));
    }

    void delete(String channelId, String messageId) {
        call("delete message " + messageId + " in channel " + channelId,
                new RestActionImpl<Void>(jda, Route.Messages.DELETE_MESSAGE.compile(channelId, messageId)));
    }

    /** @param emoji a unicode emoji, or a custom one as {@code name:id} or {@code <:name:id>} */
    void react(String channelId, String messageId, String emoji) {
        String code;
        try {
            code = Emoji.fromFormatted(emoji).getAsReactionCode();
        } catch (IllegalArgumentException e) {
            throw new GatewayException("discord: '" + emoji + "' is not an emoji; give a unicode emoji or name:id", false, e);
        }
        call("react to message " + messageId + " in channel " + channelId,
                new RestActionImpl<Void>(jda, Route.Messages.ADD_REACTION.compile(channelId, messageId, code, "@me")));
    }

    <T> T call(String what, RestActionImpl<T> action) {
        CompletableFuture<T> result;
        try {
            result = action.deadline(System.currentTimeMillis() + bound.toMillis()).submit();
        } catch (RejectedExecutionException | IllegalStateException e) {
            throw new GatewayException("discord: cannot " + what + ": the connection is closing", true, e);
        }
        try {
            // a little over JDA's deadline, so that JDA's own timeout is what normally ends a late request
            return result.get(bound.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } catch (TimeoutException | CancellationException e) {
            result.cancel(true);
            throw new GatewayException("discord: " + what + " got no answer within " + bound.toSeconds() + " s", true, e);
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new GatewayException("discord: interrupted while waiting to " + what, true, e);
        }
    }

    private static GatewayException failure(String what, Throwable cause) {
        if (cause instanceof ErrorResponseException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().code;
            boolean retryable = e.isServerError() || status == 429;
            return new GatewayException("discord: cannot " + what + ": HTTP " + status + ", Discord error "
                    + e.getErrorCode() + " (" + e.getMeaning() + ")", retryable, e);
        }
        if (cause instanceof RateLimitedException || cause instanceof TimeoutException) {
            return new GatewayException("discord: cannot " + what + ": still rate limited or unanswered at the "
                    + "deadline", true, cause);
        }
        return new GatewayException("discord: cannot " + what + ": " + cause, true, cause);
    }

    private static String messageId(Response response, Request<String> request) {
        return response.getObject().getString("id");
    }

    private static RequestBody body(String json) {
        return RequestBody.create(json.getBytes(StandardCharsets.UTF_8), JSON);
    }
}
