package dev.gatehouse.slack;

import com.slack.api.socket_mode.response.AckResponse;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's Socket Mode client ({@link SlackSocket}) with what keeps it connected: the
 * {@link Reconnector}, the only thing that reconnects it, and the {@link Heartbeat} pings. Started so
 * that the plugin's listeners see the first frame, torn down so that nothing of it can reconnect
 * afterwards (team note, trap A).
 *
 * <p>There is no Bolt app: the gateway handles every envelope itself and acknowledges slash commands
 * as Bolt's unmatched-request handler did, which spares Bolt's worker thread and its second
 * {@code auth.test}.
 */
final class SocketStack {

    private static final Logger log = LoggerFactory.getLogger(SocketStack.class);

    private final SlackSdk sdk;
    private final SdkExecutors executors;
    private final SlackSocket socket;
    private final Reconnector reconnector;
    private final Heartbeat heartbeat;
    private final Lane closer;
    private final String subject;

    SocketStack(SlackSdk sdk, SdkExecutors executors, SlackSocket socket, Reconnector reconnector, Heartbeat heartbeat,
                Lane closer, String subject) {
        this.sdk = sdk;
        this.executors = executors;
        this.socket = socket;
        this.reconnector = reconnector;
        this.heartbeat = heartbeat;
        this.closer = closer;
        this.subject = subject;
    }

    /**
     * Lets the processor dispatch, then connects ({@code apps.connections.open}, then the WebSocket)
     * and starts the pings. Throws if either step failed.
     */
    void start() throws Exception {
        executors.openProcessorGate();
        socket.connectToNewEndpoint();
        heartbeat.start();
    }

    /** Sends an acknowledgement on the current socket; fire-and-forget, never blocks. */
    void ack(String envelopeId) {
        try {
            socket.sendSocketModeResponse(new AckResponse(envelopeId));
        } catch (RuntimeException e) {
            log.debug("{}: ack of {} not sent ({}); Slack redelivers the envelope", subject, envelopeId, e.toString());
        }
    }

    /**
     * Tears everything down so that no socket stays open and nothing can reconnect: stop reconnecting
     * and pinging, refuse further Web API calls (a racing reconnect cannot get a URL), retire the socket
     * (its session closes, and so does any a reconnect's handshake still opens, however late), let the
     * message processor handle the frames that arrived before, wait for a reconnect under way, close the
     * client (which stops the processor), let superseded sockets finish closing, release the Slack instance. Bounded by {@code deadlineNanos};
     * never throws.
     *
     * <p>The processor is drained rather than stopped with frames in its queue: a button click that
     * reached the socket is never redelivered by Slack, so it must reach the bot.
     */
    void close(long deadlineNanos) {
        reconnector.stop();
        heartbeat.stop();
        sdk.refuseCalls(subject);
        // From here no session is adopted: one a reconnect's handshake still opens (if the wait below ends
        // first) is closed as it arrives, not left open for a closed connection.
        socket.retire();
        if (!executors.drainProcessor(deadlineNanos)) {
            log.warn("{}: frames received before the close were not all handled in time", subject);
        }
        if (!reconnector.awaitIdle(deadlineNanos)) {
            log.warn("{}: a reconnect under way did not finish in time", subject);
        }
        socket.disconnect();
        quietly("close the Socket Mode client", socket::close);
        if (!executors.awaitReconnectorsStopped(deadlineNanos)) {
            log.warn("{}: the message processor did not stop in time", subject);
        }
        closer.shutdown();
        try {
            closer.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        quietly("close the Slack client", sdk::close);
        executors.shutdownNow();
    }

    private interface Step {
        void run() throws Exception;
    }

    private void quietly(String what, Step step) {
        try {
            step.run();
        } catch (Exception | LinkageError e) {
            log.debug("{}: {} failed: {}", subject, what, e.toString());
        }
    }
}
