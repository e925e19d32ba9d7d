package dev.gatehouse.host.testing;

import dev.gatehouse.api.GatewayConnection;

/** A connection that accepts every operation and does nothing; tests override what they observe. */
public abstract class SilentConnection implements GatewayConnection {

    @Override
    public String post(String channelId, String text) {
        return "m";
    }

    @Override
    public String reply(String channelId, String threadId, String text) {
        return post(channelId, text);
    }

    @Override
    public void edit(String channelId, String messageId, String text) {
    }

    @Override
    public void delete(String channelId, String messageId) {
    }

    @Override
    public void react(String channelId, String messageId, String emoji) {
    }
}
