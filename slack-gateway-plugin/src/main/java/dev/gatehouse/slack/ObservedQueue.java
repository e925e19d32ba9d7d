package dev.gatehouse.slack;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.slack.api.socket_mode.queue.SocketModeMessageQueue;
import java.util.function.Predicate;

/**
 * The Socket Mode client's inbound queue, wrapped so that {@code disconnect} messages are seen before
 * the SDK acts on them (the SDK never passes them to listeners). Frames are stored in the client's
 * original queue, so nothing queued before the wrapper was installed is lost.
 *
 * <p>{@link #add} runs on the WebSocket I/O thread: it only looks at frames that can be a disconnect
 * message and hands the decision to a non-blocking callback.
 */
final class ObservedQueue implements SocketModeMessageQueue {

    private final SocketModeMessageQueue delegate;
    private final Predicate<String> admitDisconnect;

    /**
     * @param admitDisconnect given a disconnect message's reason; {@code false} keeps the message from
     *     the SDK (which would reconnect at once)
     */
    ObservedQueue(SocketModeMessageQueue delegate, Predicate<String> admitDisconnect) {
        this.delegate = delegate;
        this.admitDisconnect = admitDisconnect;
    }

    @Override
    public void add(String message) {
        String reason = message.contains("\"disconnect\"") ? disconnectReason(message) : null;
        if (reason == null || admitDisconnect.test(reason)) {
            delegate.add(message);
        }
    }

    @Override
    public String poll() {
        return delegate.poll();
    }

    /** The reason of a disconnect message, or {@code null} for any other frame. */
    static String disconnectReason(String message) {
        try {
            JsonElement frame = JsonParser.parseString(message);
            if (frame.isJsonObject() && "disconnect".equals(Json.text(frame.getAsJsonObject(), "type"))) {
                String reason = Json.text(frame.getAsJsonObject(), "reason");
                return reason == null ? "" : reason;
            }
        } catch (RuntimeException e) {
            // not JSON: not a disconnect message
        }
        return null;
    }
}
