package dev.gatehouse.slack;

import com.slack.api.methods.MethodsClient;

/** The outbound operations of the plugin API on Slack's Web API, with the bot token. */
final class SlackOutbound {

    private final MethodsClient methods;
    private final RateLimitRetry retry;

    SlackOutbound(MethodsClient methods, RateLimitRetry retry) {
        this.methods = methods;
        this.retry = retry;
    }

    String post(String channelId, String text) {
        return retry.call("chat.postMessage", channelId,
                () -> methods.chatPostMessage(r -> r.channel(channelId).text(text))).getTs();
    }

    String reply(String channelId, String threadId, String text) {
        return retry.call("chat.postMessage", channelId + " thread " + threadId,
                () -> methods.chatPostMessage(r -> r.channel(channelId).threadTs(threadId).text(text))).getTs();
    }

    void edit(String channelId, String messageId, String text) {
        retry.call("chat.update", channelId + " " + messageId,
                () -> methods.chatUpdate(r -> r.channel(channelId).ts(messageId).text(text)));
    }

    void delete(String channelId, String messageId) {
        retry.call("chat.delete", channelId + " " + messageId,
                () -> methods.chatDelete(r -> r.channel(channelId).ts(messageId)));
    }

    void react(String channelId, String messageId, String emoji) {
        retry.call("reactions.add", channelId + " " + messageId,
                () -> methods.reactionsAdd(r -> r.channel(channelId).timestamp(messageId).name(emoji)));
    }
}
