package dev.gatehouse.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.socket_mode.response.AckResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Bolt app and its Socket Mode client for one connection, started the way the team note
 * prescribes and torn down so that no client of it can reconnect afterwards (trap A).
 *
 * <p>Built only with {@code SocketModeApp(appToken, app, Tyrus, errorHandler, concurrency)}: that
 * constructor wires Bolt to the client it creates (the {@code (client, app)} and {@code (supplier, app)}
 * ones do not, trap E) and runs Bolt off the message processor thread (trap F).
 */
final class BoltStack {

    private static final Logger log = LoggerFactory.getLogger(BoltStack.class);

    /** Bolt's own pool: only slash commands and claimed envelopes pass through it, both briefly. */
    private static final int BOLT_CONCURRENCY = 2;

    private final SlackSdk sdk;
    private final SdkExecutors executors;
    private final String subject;
    /** Written once by start() on the opening thread; read by close() on whichever thread the host closes on. */
    private volatile SocketModeApp socketModeApp;
    /** Captured as soon as it exists: {@code SocketModeApp.close()} forgets it (team note §6). */
    private volatile SocketModeClient client;

    BoltStack(SlackSdk sdk, SdkExecutors executors, String subject) {
        this.sdk = sdk;
        this.executors = executors;
        this.subject = subject;
    }

    /**
     * Starts Bolt and connects. On return the WebSocket is open (Tyrus connects synchronously) or the
     * SDK keeps retrying by itself; frames stay queued until {@link #release}.
     *
     * @param appToken the app-level token
     * @param botToken the bot token
     */
    SocketModeClient start(String appToken, String botToken) throws Exception {
        App app = new App(AppConfig.builder()
                .singleTeamBotToken(botToken)
                .slack(sdk.slack())
                .executorServiceProvider(executors)
                .threadPoolSize(1)
                .ignoringSelfEventsEnabled(false) // the gateway filters its own events (EventMapper)
                .unmatchedRequestHandler(req -> Response.ok()) // trap D: ack what no handler matches
                .build());
        app.use(new BoltClaims()); // builds Bolt's middleware: its auth.test with the bot token runs here
        socketModeApp = new SocketModeApp(appToken, app, SocketModeClient.Backend.Tyrus, BoltClaims::onError,
                BOLT_CONCURRENCY);
        try {
            socketModeApp.startAsync(); // apps.connections.open twice, then the WebSocket
        } finally {
            client = socketModeApp.getClient();
        }
        return client;
    }

    /** Lets the client process the frames it queued while the plugin registered its listeners. */
    void release() {
        executors.openProcessorGate();
    }

    /** Sends an acknowledgement on the client's current socket; fire-and-forget, never blocks. */
    void ack(String envelopeId) {
        SocketModeClient c = client;
        try {
            if (c != null) {
                c.sendSocketModeResponse(new AckResponse(envelopeId));
            }
        } catch (RuntimeException e) {
            log.debug("{}: ack of {} not sent ({}); Slack redelivers the envelope", subject, envelopeId, e.toString());
        }
    }

    /**
     * Tears everything down so that no socket stays open and nothing can reconnect: capture the client,
     * stop auto-reconnect, refuse further Web API calls (a racing reconnect cannot get a URL),
     * disconnect, let the message processor handle the frames that arrived before (twice: a connect it
     * had under way may have made a newer socket current meanwhile, which is disconnected in between),
     * close Bolt and the client, wait until the threads that reconnect are gone, disconnect again in
     * case a connect raced the first one, let superseded sockets finish closing, release the Slack
     * instance. Bounded by {@code deadlineNanos}; never throws.
     *
     * <p>The processor is drained rather than stopped with frames in its queue: a button click that
     * reached the socket is never redelivered by Slack, so it must reach the bot.
     */
    void close(long deadlineNanos) {
        SocketModeClient c = client != null ? client : socketModeApp == null ? null : socketModeApp.getClient();
        if (c != null) {
            c.setAutoReconnectEnabled(false);
        }
        sdk.refuseCalls(subject);
        if (c != null) {
            quietly("disconnect", c::disconnect);
            for (int round = 0; round < 2; round++) {
                if (!executors.drainProcessor(deadlineNanos)) {
                    log.warn("{}: frames received before the close were not all handled in time", subject);
                }
                quietly("disconnect", c::disconnect);
            }
        }
        if (socketModeApp != null) {
            quietly("close the Socket Mode app", socketModeApp::close);
        }
        if (c != null) {
            quietly("close the Socket Mode client", c::close);
        }
        if (!executors.awaitReconnectorsStopped(deadlineNanos)) {
            log.warn("{}: the SDK's session monitor or message processor did not stop in time", subject);
        }
        if (c != null) {
            quietly("disconnect a late session", c::disconnect);
        }
        executors.drainCleaner(deadlineNanos);
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
