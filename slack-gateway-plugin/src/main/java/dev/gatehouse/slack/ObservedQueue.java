package dev.gatehouse.slack;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.slack.api.socket_mode.queue.SocketModeMessageQueue;
import java.util.function.Predicate;

/**
 * The Socket Mode client's inbound queue, wrapped so that {@code disconnect} messages are seen before
 * the SDK acts on them (the SDK never passes them to listeners), and so that every stored frame wakes the
 * message processor ({@link WakeableProcessor}) instead of waiting for it to poll. Frames are stored in
 * the client's original queue, so nothing queued before the wrapper was installed is lost.
 *
 * <p>{@link #add} runs on the WebSocket I/O thread: it only looks at frames that can be a disconnect
 * message and hands the decision and the wake-up to non-blocking callbacks.
 */
final class ObservedQueue implements SocketModeMessageQueue {

    private final SocketModeMessageQueue delegate;
    private final Predicate<String> admitDisconnect;
    private final Runnable onStored;
    /** Whether the last poll returned a frame; written and read by the message processor's one thread. */
    private volatile boolean lastPollTookAFrame;

    /** A queue whose stored frames wake nobody (the processor polls). */
    ObservedQueue(SocketModeMessageQueue delegate, Predicate<String> admitDisconnect) {
        this(delegate, admitDisconnect, () -> { });
    }

    /**
     * @param admitDisconnect given a disconnect message's reason; {@code false} keeps the message from
     *     the SDK (which would reconnect at once)
     * @param onStored called after each frame is stored for the SDK; must not block
     */
    ObservedQueue(SocketModeMessageQueue delegate, Predicate<String> admitDisconnect, Runnable onStored) {
        this.delegate = delegate;
        this.admitDisconnect = admitDisconnect;
        this.onStored = onStored;
    }

    @Override
    public void add(String message) {
        String reason = message.contains("\"disconnect\"") ? disconnectReason(message) : null;
        if (reason == null || admitDisconnect.test(reason)) {
            delegate.add(message);
            onStored.run();
        }
    }

    @Override
    public String poll() {
        String frame = delegate.poll();
        lastPollTookAFrame = frame != null;
        return frame;
    }

    /** Whether the last {@link #poll()} returned a frame: the processor drains until it did not. */
    boolean lastPollTookAFrame() {
        return lastPollTookAFrame;
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
