package dev.gatehouse.slack;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.slack.api.socket_mode.queue.SocketModeMessageQueue;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The Socket Mode client's inbound queue, wrapped so that {@code disconnect} messages are seen before
 * the SDK acts on them (the SDK never passes them to listeners), and so that every stored frame wakes the
 * message processor ({@link WakeableProcessor}) instead of waiting for it to poll. Frames are stored in
 * the client's original queue, so nothing queued before the wrapper was installed is lost.
 *
 * <p>{@link #add} runs on the WebSocket I/O thread: it only looks at frames that can be a disconnect
 * message and hands the decision and the wake-up to non-blocking callbacks. It also stamps each frame
 * with its time of receipt, which the message processor reads back after {@link #poll()}
 * ({@link #lastPollReceivedNanos()}), so that acknowledgement deadlines count from arrival.
 */
final class ObservedQueue implements SocketModeMessageQueue {

    private final SocketModeMessageQueue delegate;
    private final Predicate<String> admitDisconnect;
    private final Runnable onStored;
    private final LongSupplier nanoTime;
    /**
     * Receipt stamps of the frames stored through this wrapper, oldest first, in the delegate's order;
     * matched to polled frames by identity (frames queued before the wrapper have none).
     */
    private final ConcurrentLinkedQueue<Stamp> stamps = new ConcurrentLinkedQueue<>();
    /** Whether the last poll returned a frame; written and read by the message processor's one thread. */
    private volatile boolean lastPollTookAFrame;
    /** When the frame the last poll returned arrived; written and read by the message processor's thread. */
    private volatile long lastPollReceivedNanos;

    private record Stamp(String frame, long receivedNanos) {
    }

    /** A queue whose stored frames wake nobody (the processor polls). */
    ObservedQueue(SocketModeMessageQueue delegate, Predicate<String> admitDisconnect) {
        this(delegate, admitDisconnect, () -> { }, System::nanoTime);
    }

    /**
     * @param admitDisconnect given a disconnect message's reason; {@code false} keeps the message from
     *     the SDK (which would reconnect at once)
     * @param onStored called after each frame is stored for the SDK; must not block
     * @param nanoTime the monotonic ticker frames are stamped with on receipt
     */
    ObservedQueue(SocketModeMessageQueue delegate, Predicate<String> admitDisconnect, Runnable onStored,
                  LongSupplier nanoTime) {
        this.delegate = delegate;
        this.admitDisconnect = admitDisconnect;
        this.onStored = onStored;
        this.nanoTime = nanoTime;
    }

    @Override
    public void add(String message) {
        long received = nanoTime.getAsLong();
        String reason = message.contains("\"disconnect\"") ? disconnectReason(message) : null;
        if (reason == null || admitDisconnect.test(reason)) {
            stamps.add(new Stamp(message, received)); // before the frame is visible to a poll
            delegate.add(message);
            onStored.run();
        }
    }

    @Override
    public String poll() {
        String frame = delegate.poll();
        lastPollTookAFrame = frame != null;
        if (frame != null) {
            lastPollReceivedNanos = takeStamp(frame);
        }
        return frame;
    }

    /**
     * When the frame the last {@link #poll()} returned arrived on the socket; for a frame queued before
     * this wrapper was installed, when it was polled. Read on the message processor's thread.
     */
    long lastPollReceivedNanos() {
        return lastPollReceivedNanos;
    }

    /** The polled frame's stamp, dropping stamps of frames that left the delegate some other way. */
    private long takeStamp(String frame) {
        for (Iterator<Stamp> it = stamps.iterator(); it.hasNext(); ) {
            if (it.next().frame() == frame) { // identity: the delegate hands back the stored instance
                Stamp found = null;
                while (found == null) {
                    Stamp head = stamps.poll();
                    if (head.frame() == frame) {
                        found = head;
                    }
                }
                return found.receivedNanos();
            }
        }
        return nanoTime.getAsLong(); // queued before the wrapper: its receipt was not seen
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
