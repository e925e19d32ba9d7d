package dev.gatehouse.discord;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JDA's session controller for one connection: it names the gateway URL and runs JDA's connect and
 * re-identify requests ("nodes") one at a time, at most one start per {@link #IDENTIFY_DELAY} seconds
 * as Discord requires. Nodes run on the plugin's elastic connect pool (a node blocks through the
 * handshake, up to 10 s, or through JDA's reconnect backoff), the spacing on the plugin's timer; the
 * connection owns no thread for this.
 *
 * <p>JDA's own controllers start threads of their own ({@code ConcurrentSessionController-Worker}, non
 * daemon) that outlive a closed connection by up to 5 s. JDA's default also ignores a configured URL:
 * it takes the gateway from {@link #getGateway()}, not from {@code GET /gateway/bot}. A node that fails
 * (connection refused, handshake timeout) goes back in the queue, as in JDA: JDA then retries every
 * 5 s without telling anyone, which is why the host's open timeout, not this class, ends an attempt
 * that never connects.
 */
final class HostSessionController extends SessionControllerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HostSessionController.class);
    private static final long SPACING_NANOS = TimeUnit.SECONDS.toNanos(IDENTIFY_DELAY);

    private final String label;
    private final String gatewayUrl;
    private final ScheduledExecutorService timer;
    private final Executor connects;
    /** Guarded by this. */
    private final Deque<SessionConnectNode> queue = new ArrayDeque<>();
    /** Guarded by this: a node is scheduled or running. */
    private boolean busy;
    /** Guarded by this: when the last node started, or {@code Long.MIN_VALUE}. */
    private long lastStartNanos = Long.MIN_VALUE;
    /** Guarded by this: the connection closed; nothing more is started. */
    private boolean closed;

    HostSessionController(String label, String gatewayUrl, ScheduledExecutorService timer, Executor connects) {
        this.label = label;
        this.gatewayUrl = gatewayUrl;
        this.timer = timer;
        this.connects = connects;
    }

    /** The connection closed: queued nodes are dropped and none is started again. */
    synchronized void close() {
        closed = true;
        queue.clear();
    }

    @Override
    public String getGateway() {
        return gatewayUrl;
    }

    @Override
    public void appendSession(SessionConnectNode node) {
        synchronized (this) {
            queue.remove(node);
            queue.add(node);
        }
        scheduleNext();
    }

    @Override
    public void removeSession(SessionConnectNode node) {
        synchronized (this) {
            queue.remove(node);
        }
    }

    private void scheduleNext() {
        long delay;
        synchronized (this) {
            if (busy || closed || queue.isEmpty()) {
                return;
            }
            busy = true;
            delay = lastStartNanos == Long.MIN_VALUE ? 0 : Math.max(0, lastStartNanos + SPACING_NANOS - System.nanoTime());
        }
        try {
            if (delay == 0) {
                connects.execute(this::runNext);
            } else {
                timer.schedule(this::startOnConnectPool, delay, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            notBusy(); // the plugin is stopping; JDA is shutting down and will not need the node
        }
    }

    private void startOnConnectPool() {
        try {
            connects.execute(this::runNext);
        } catch (RejectedExecutionException e) {
            notBusy();
        }
    }

    private synchronized void notBusy() {
        busy = false;
    }

    private void runNext() {
        SessionConnectNode node;
        synchronized (this) {
            node = queue.poll();
            lastStartNanos = System.nanoTime();
        }
        boolean interrupted = false;
        try {
            if (node != null) {
                // Blocks until JDA is loading the session, is queued again, or shut down (JDA's contract).
                node.run(false);
            }
        } catch (InterruptedException e) {
            interrupted = true; // the host is stopping the plugin's threads
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            boolean retry;
            synchronized (this) {
                retry = !closed;
                if (retry && !queue.contains(node)) {
                    queue.add(node);
                }
            }
            if (retry) {
                log.warn("{}: gateway connect failed ({}); JDA retries in {} s", label, rootMessage(e), IDENTIFY_DELAY);
            } else {
                log.debug("{}: a connect under way ended with the connection's close ({})", label, rootMessage(e));
            }
        } finally {
            synchronized (this) {
                busy = false;
            }
        }
        if (!interrupted) {
            scheduleNext();
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
