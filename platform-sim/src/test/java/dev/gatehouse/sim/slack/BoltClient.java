package dev.gatehouse.sim.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.context.builtin.EventContext;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.model.event.AppMentionEvent;
import com.slack.api.model.event.MessageDeletedEvent;
import com.slack.api.model.event.MessageEvent;
import com.slack.api.model.event.ReactionAddedEvent;
import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.util.thread.DaemonThreadExecutorServiceProvider;
import com.slack.api.util.thread.ExecutorServiceProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A real Bolt Socket Mode app (Tyrus backend) wired to the simulator as the team's Socket Mode note §2
 * prescribes, with handlers that record what they saw, and the teardown of note §6.
 *
 * <p>Handlers ack at once, except for message texts starting with {@code refuse-first} (no ack on the first
 * delivery: the handler throws, and Bolt's error handler sends no ack) and {@code never-ack} (no ack at all).
 */
final class BoltClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One handler invocation.
     *
     * @param kind        which handler ran: message, app_mention, reaction_added, message_deleted, block_action, command
     * @param detail      the text, reaction, action value or command text
     * @param retryNum    Bolt's {@code X-Slack-Retry-Num} (the envelope's {@code retry_attempt})
     * @param retryReason Bolt's {@code X-Slack-Retry-Reason}
     */
    record Handled(String kind, String detail, int retryNum, String retryReason) {
    }

    final SimSlackApp app;
    final List<Handled> handled = new CopyOnWriteArrayList<>();
    /** Every text frame the client's message listener saw ({@code hello} included, {@code disconnect} not). */
    final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final TrackingExecutors executors = new TrackingExecutors();
    private final Slack slack;
    private final SocketModeApp socketModeApp;
    /** Captured after start: {@link SocketModeApp#close()} forgets it (note §6). */
    private volatile SocketModeClient client;

    BoltClient(SlackSimulator sim, SimSlackApp app) throws Exception {
        this.app = app;
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(sim.apiUrl());
        config.setStatsEnabled(false);
        config.setExecutorServiceProvider(executors);
        slack = Slack.getInstance(config);
        App bolt = new App(AppConfig.builder()
                .singleTeamBotToken(app.botToken())
                .slack(slack)
                .executorServiceProvider(executors)
                .unmatchedRequestHandler(req -> Response.ok())
                .build());
        registerHandlers(bolt);
        socketModeApp = new SocketModeApp(app.appToken(), bolt, SocketModeClient.Backend.Tyrus, 2);
    }

    /** {@link SocketModeApp#startAsync()}: returns once the first WebSocket is open (Tyrus). */
    BoltClient start() throws Exception {
        socketModeApp.startAsync();
        client = socketModeApp.getClient();
        client.addWebSocketMessageListener(message -> {
            try {
                frames.add(JSON.readTree(message));
            } catch (Exception e) {
                throw new IllegalStateException("unparsable frame " + message, e);
            }
        });
        return this;
    }

    /** {@code hello} frames seen by the client since {@link #start()} returned. */
    List<JsonNode> hellos() {
        return frames.stream().filter(f -> "hello".equals(f.path("type").asText())).toList();
    }

    List<Handled> handled(String kind) {
        return handled.stream().filter(h -> h.kind().equals(kind)).toList();
    }

    /** Teardown of note §6: capture, no auto-reconnect, disconnect, close app, client, Slack, pools. */
    void tearDown() throws Exception {
        SocketModeClient captured = client != null ? client : socketModeApp.getClient();
        try {
            if (captured != null) {
                captured.setAutoReconnectEnabled(false);
                captured.disconnect();
            }
            socketModeApp.close();
            if (captured != null) {
                captured.close();
            }
            slack.close();
        } finally {
            executors.shutdownNow();
        }
    }

    private void registerHandlers(App bolt) {
        bolt.event(MessageEvent.class, (req, ctx) -> {
            String text = req.getEvent().getText();
            record("message", text, ctx);
            boolean firstDelivery = ctx.getRetryNum() == null || ctx.getRetryNum() == 0;
            if (text.startsWith("never-ack") || (text.startsWith("refuse-first") && firstDelivery)) {
                // A non-200 response would reach the unmatched-request handler, which acks; a throw does not.
                throw new IllegalStateException("not acking '" + text + "' on purpose");
            }
            return ctx.ack();
        });
        bolt.event(AppMentionEvent.class, (req, ctx) -> ack("app_mention", req.getEvent().getText(), ctx));
        bolt.event(ReactionAddedEvent.class, (req, ctx) -> ack("reaction_added", req.getEvent().getReaction(), ctx));
        bolt.event(MessageDeletedEvent.class,
                (req, ctx) -> ack("message_deleted", req.getEvent().getDeletedTs(), ctx));
        bolt.blockAction("approve", (req, ctx) -> {
            handled.add(new Handled("block_action", req.getPayload().getActions().get(0).getValue(), 0, null));
            return ctx.ack();
        });
        bolt.command("/deploy", (req, ctx) -> {
            handled.add(new Handled("command", req.getPayload().getText(), 0, null));
            return ctx.ack("deploying " + req.getPayload().getText());
        });
    }

    private Response ack(String kind, String detail, EventContext ctx) {
        record(kind, detail, ctx);
        return ctx.ack();
    }

    private void record(String kind, String detail, EventContext ctx) {
        Integer retryNum = ctx.getRetryNum();
        handled.add(new Handled(kind, detail, retryNum == null ? 0 : retryNum, ctx.getRetryReason()));
    }

    /** Daemon pools for the SDK, all shut down with the client so tests leave no SDK threads behind. */
    private static final class TrackingExecutors implements ExecutorServiceProvider {
        private final ExecutorServiceProvider delegate = DaemonThreadExecutorServiceProvider.getInstance();
        private final List<ExecutorService> created = new CopyOnWriteArrayList<>();

        @Override
        public ExecutorService createThreadPoolExecutor(String threadGroupName, int poolSize) {
            ExecutorService pool = delegate.createThreadPoolExecutor(threadGroupName, poolSize);
            created.add(pool);
            return pool;
        }

        @Override
        public ScheduledExecutorService createThreadScheduledExecutor(String threadGroupName) {
            ScheduledExecutorService pool = delegate.createThreadScheduledExecutor(threadGroupName);
            created.add(pool);
            return pool;
        }

        void shutdownNow() {
            created.forEach(ExecutorService::shutdownNow);
        }
    }
}
