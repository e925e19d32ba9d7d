package dev.gatehouse.slack;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.websocket.Session;

/**
 * The plugin's own WebSocket ping cadence, which finds a half-open or black-holed socket: one that
 * stays "open" while nothing comes back. Every {@code interval} it pings the current session (never
 * waiting); once a ping has gone unanswered for {@code timeout} (checked at that moment, not at the
 * next beat), the session is given up: no frame is sent on it any more, it is closed, and
 * {@code onDead} is told, which reconnects. The SDK's own check needs a 5 s monitor tick plus 3 s of
 * unanswered pings.
 *
 * <p>Ticks run on the connection's {@link Lane}, one at a time; the state below is confined to them.
 */
final class Heartbeat {

    private final SlackSocket socket;
    private final ScheduledExecutorService lane;
    private final Duration interval;
    private final Duration timeout;
    private final LongSupplier nanoTime;
    private final Consumer<String> onDead;
    /** The session the unanswered ping went to. Confined to ticks. */
    private Session pinged;
    /** When the oldest unanswered ping to {@link #pinged} was sent; valid while {@link #waiting}. Confined to ticks. */
    private long oldestUnanswered;
    private boolean waiting;
    /** A one-shot check at the unanswered ping's timeout is scheduled. Confined to ticks. */
    private boolean deadlineScheduled;
    private volatile ScheduledFuture<?> ticks;

    Heartbeat(SlackSocket socket, ScheduledExecutorService lane, Duration interval, Duration timeout,
              LongSupplier nanoTime, Consumer<String> onDead) {
        this.socket = socket;
        this.lane = lane;
        this.interval = interval;
        this.timeout = timeout;
        this.nanoTime = nanoTime;
        this.onDead = onDead;
    }

    void start() {
        ticks = lane.scheduleAtFixedRate(this::tick, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    void stop() {
        ScheduledFuture<?> t = ticks;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** One beat: judge the last ping, then send the next. Package-private for tests. */
    void tick() {
        beat(true);
    }

    /** The moment the oldest unanswered ping times out: judge it, send nothing. */
    private void deadline() {
        beat(false);
    }

    private void beat(boolean sendPing) {
        if (!sendPing) {
            deadlineScheduled = false;
        }
        Session s = socket.currentSession();
        if (s == null || !s.isOpen()) {
            waiting = false; // a closed session is the close handling's to report
            return;
        }
        long now = nanoTime.getAsLong();
        if (s != pinged) {
            pinged = s;
            waiting = false;
        }
        if (waiting && socket.pongSince(oldestUnanswered)) {
            waiting = false;
        }
        if (waiting && now - oldestUnanswered >= timeout.toNanos()) {
            waiting = false;
            pinged = null;
            socket.abandon(s);
            onDead.accept("no pong for " + TimeUnit.NANOSECONDS.toMillis(now - oldestUnanswered) + " ms (pings every "
                    + interval.toMillis() + " ms, pongTimeout " + timeout.toMillis() + " ms): the socket is half-open"
                    + " or its path black-holed");
            return;
        }
        if (waiting && sendPing && !deadlineScheduled) {
            // Late already: judge it exactly at its timeout rather than at a later beat. A ping answered
            // in time (the usual case) never needs this.
            deadlineScheduled = true;
            try {
                lane.schedule(this::deadline, oldestUnanswered + timeout.toNanos() - now, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
        if (sendPing && socket.ping() == s && !waiting) {
            waiting = true;
            oldestUnanswered = now;
        }
    }
}
