package dev.gatehouse.sim.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.sim.SimThreads;
import dev.gatehouse.sim.net.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback fake of Slack's Web API and Socket Mode gateway, with fault injection, for running the real
 * Slack SDK (Bolt Socket Mode) against in tests, benchmarks and the no-token demo.
 *
 * <p>One simulator hosts any number of apps ({@link #registerApp}), each its own workspace. Point the SDK
 * at {@link #apiUrl()} ({@code SlackConfig.setMethodsEndpointUrlPrefix}); {@code apps.connections.open}
 * then hands out {@code ws://127.0.0.1} URLs to the simulator's WebSocket server.
 *
 * <p>Behaviour mirrors Slack's: {@code hello} with {@code num_connections} on open, pongs echoing the ping
 * payload, pushes round-robined over an app's open connections, acks matched on any of the app's
 * connections, and unacked Events API envelopes redelivered with the same {@code event_id}.
 *
 * <p>Faults: {@link ConnectionFault} on open sockets, {@link MethodFault} on Web API methods,
 * {@link AuthState} per app, {@link #rejectHandshakes} and {@link DisconnectReason} messages. Connections
 * that may need a {@link ConnectionFault.BlackHole} must be routed through the built-in TCP proxy before
 * they open ({@link #routeThroughProxy}, or {@link Builder#routeThroughProxyByDefault}).
 *
 * <p>Everything listens on 127.0.0.1 with ephemeral ports. All threads are daemons named
 * {@link #threadNamePrefix()}{@code …}; {@link #close()} ends all of them. Thread-safe.
 */
public final class SlackSimulator implements AutoCloseable {
    /** Every thread of a Slack simulator is named {@code sim-slack-<instance>-<role>}. */
    public static final String THREAD_PREFIX = "sim-slack-";
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Logger log = LoggerFactory.getLogger(SlackSimulator.class);

    /** Options for a simulator; obtain with {@link SlackSimulator#builder()}. Not thread-safe. */
    public static final class Builder {
        private Duration ackTimeout = Duration.ofSeconds(3);
        private boolean redelivery = true;
        private int maxRedeliveries = 3;
        private Duration maxLifetime;
        private boolean routeThroughProxyByDefault;
        private int historyLimit = 10_000;

        private Builder() {
        }

        /** How long an Events API delivery may stay unacked before it is redelivered (Slack: 3 s). */
        public Builder ackTimeout(Duration ackTimeout) {
            if (ackTimeout.isNegative() || ackTimeout.isZero()) {
                throw new IllegalArgumentException("ackTimeout must be positive: " + ackTimeout);
            }
            this.ackTimeout = ackTimeout;
            return this;
        }

        /** Whether unacked Events API envelopes are redelivered (default true). */
        public Builder redelivery(boolean redelivery) {
            this.redelivery = redelivery;
            return this;
        }

        /** Redeliveries per event before it is abandoned (Slack: 3, the default). */
        public Builder maxRedeliveries(int maxRedeliveries) {
            if (maxRedeliveries < 0) {
                throw new IllegalArgumentException("maxRedeliveries must not be negative: " + maxRedeliveries);
            }
            this.maxRedeliveries = maxRedeliveries;
            return this;
        }

        /**
         * After this long the simulator closes itself, so a forgotten instance cannot hold ports and threads
         * for the rest of a test JVM. Default: no limit.
         */
        public Builder maxLifetime(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
            return this;
        }

        /**
         * Whether apps start routed through the TCP proxy (needed for black holes; costs two threads per
         * connection). Default false; change per app with {@link SlackSimulator#routeThroughProxy}.
         */
        public Builder routeThroughProxyByDefault(boolean viaProxy) {
            this.routeThroughProxyByDefault = viaProxy;
            return this;
        }

        /** Entries kept per app in each history (calls, deliveries, acks, connections). Default 10 000. */
        public Builder historyLimit(int historyLimit) {
            if (historyLimit < 1) {
                throw new IllegalArgumentException("historyLimit must be positive: " + historyLimit);
            }
            this.historyLimit = historyLimit;
            return this;
        }

        /** Starts a simulator with these options. */
        public SlackSimulator start() {
            return new SlackSimulator(this);
        }
    }

    private final SimThreads threads = new SimThreads(THREAD_PREFIX + INSTANCES.incrementAndGet() + "-");
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AppRegistry registry;
    private final BoundedLog<ApiCall> unattributedCalls;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService httpExecutor;
    private final Dispatcher dispatcher;
    private final SocketServer socketServer;
    private final TcpProxy proxy;
    private final ApiServer apiServer;

    private SlackSimulator(Builder options) {
        registry = new AppRegistry(options.historyLimit, options.routeThroughProxyByDefault);
        unattributedCalls = new BoundedLog<>(options.historyLimit);
        scheduler = new ScheduledThreadPoolExecutor(1, threads.factory("scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        httpExecutor = Executors.newCachedThreadPool(threads.factory("http"));
        dispatcher = new Dispatcher(scheduler, options.ackTimeout, options.redelivery, options.maxRedeliveries);
        SocketServer startedSocketServer = null;
        TcpProxy startedProxy = null;
        try {
            // Started inside the simulator's thread group so that library threads are found and renamed.
            startedSocketServer = threads.callInGroup(() -> {
                SocketServer server = new SocketServer(registry, dispatcher, threads);
                server.startAndAwait();
                return server;
            });
            startedProxy = new TcpProxy(startedSocketServer.getPort(), threads);
            startedSocketServer.attachProxy(startedProxy);
            SocketServer wsServer = startedSocketServer;
            TcpProxy tcpProxy = startedProxy;
            apiServer = threads.callInGroup(() -> {
                ApiServer server = new ApiServer(registry, unattributedCalls, httpExecutor, wsServer::getPort,
                        tcpProxy::port);
                server.start();
                return server;
            });
        } catch (Exception e) {
            abortStart(startedSocketServer, startedProxy);
            throw new IllegalStateException("Slack simulator failed to start", e);
        }
        socketServer = startedSocketServer;
        proxy = startedProxy;
        if (options.maxLifetime != null) {
            scheduler.schedule(() -> threads.newThread("lifetime-guard", () -> {
                log.warn("Slack simulator {} closing itself: max lifetime {} reached", apiUrl(),
                        options.maxLifetime);
                close();
            }).start(), options.maxLifetime.toMillis(), TimeUnit.MILLISECONDS);
        }
        log.info("Slack simulator up: Web API {}, WebSocket port {}, proxy port {}", apiUrl(),
                socketServer.getPort(), proxy.port());
    }

    /** A builder for a simulator with non-default options. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a simulator with default options (3 s ack timeout, redelivery on, no lifetime limit). */
    public static SlackSimulator start() {
        return builder().start();
    }

    // ---- addresses and lifecycle --------------------------------------------------------------------

    /** The Web API methods prefix, {@code http://127.0.0.1:<port>/api/} (trailing slash included). */
    public String apiUrl() {
        return "http://127.0.0.1:" + apiServer.port() + "/api/";
    }

    /** The JSON counters of every app: {@code GET} this URL. */
    public String statsUrl() {
        return "http://127.0.0.1:" + apiServer.port() + "/control/stats";
    }

    /** The name prefix of this instance's threads, e.g. {@code sim-slack-3-}. */
    public String threadNamePrefix() {
        return threads.prefix();
    }

    /** Whether {@link #close()} has run (possibly through the lifetime guard). */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Stops the HTTP server, closes every WebSocket (close frame, then a hard close for any that linger) and
     * proxy link, and waits for the simulator's threads to end. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<SimConnection> open = new ArrayList<>();
        registry.all().forEach(app -> open.addAll(app.openConnections()));
        apiServer.stop();
        httpExecutor.shutdownNow();
        boolean interrupted = false;
        try {
            socketServer.shutdown(open);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        proxy.close();
        scheduler.shutdownNow();
        try {
            List<Thread> left = threads.awaitTermination(SimThreads.CLOSE_BUDGET);
            if (!left.isEmpty()) {
                log.warn("Slack simulator threads still alive after close: {}", left);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Undoes a partial start. */
    private void abortStart(SocketServer startedSocketServer, TcpProxy startedProxy) {
        closed.set(true);
        if (startedProxy != null) {
            startedProxy.close();
        }
        try {
            if (startedSocketServer != null) {
                startedSocketServer.shutdown(List.of());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        httpExecutor.shutdownNow();
    }

    // ---- apps ---------------------------------------------------------------------------------------

    /**
     * Registers an app in a new workspace, with generated team, app, bot user and bot ids.
     *
     * @throws IllegalArgumentException if a token is already registered or both are equal
     */
    public SimSlackApp registerApp(String appToken, String botToken) {
        Objects.requireNonNull(appToken, "appToken");
        Objects.requireNonNull(botToken, "botToken");
        return registry.register(appToken, botToken).app;
    }

    /** Registers an app with generated tokens ({@code xapp-1-sim-…} and {@code xoxb-sim-…}). */
    public SimSlackApp registerApp() {
        String unique = UUID.randomUUID().toString().replace("-", "");
        return registerApp("xapp-1-sim-" + unique, "xoxb-sim-" + unique);
    }

    /** Every registered app. */
    public List<SimSlackApp> apps() {
        return registry.all().stream().map(state -> state.app).toList();
    }

    // ---- connections --------------------------------------------------------------------------------

    /** The app's open connections, oldest first. */
    public List<SimConnection> openConnections(SimSlackApp app) {
        return state(app).openConnections();
    }

    /** Every connection the app opened, closed ones included, oldest first (bounded by the history limit). */
    public List<SimConnection> connectionHistory(SimSlackApp app) {
        return state(app).connectionHistory.snapshot();
    }

    /**
     * The app's longest-open connection.
     *
     * @throws IllegalStateException if it has none
     */
    public SimConnection oldestConnection(SimSlackApp app) {
        List<SimConnection> open = openConnections(app);
        if (open.isEmpty()) {
            throw new IllegalStateException(app + " has no open connection");
        }
        return open.get(0);
    }

    /**
     * The app's most recently opened connection.
     *
     * @throws IllegalStateException if it has none
     */
    public SimConnection newestConnection(SimSlackApp app) {
        List<SimConnection> open = openConnections(app);
        if (open.isEmpty()) {
            throw new IllegalStateException(app + " has no open connection");
        }
        return open.get(open.size() - 1);
    }

    // ---- pushes -------------------------------------------------------------------------------------

    /**
     * Pushes an Events API envelope carrying {@code event} (see {@link SlackEvents}) with a new
     * {@code event_id}. Redelivered if not acked within the ack timeout (unless disabled).
     *
     * @param to an app (round-robin over its open connections) or one connection
     * @return the first delivery
     * @throws IllegalStateException if the connection, or every connection of the app, is closed
     */
    public Delivery pushEventsApi(Recipient to, JsonNode event) {
        Objects.requireNonNull(event, "event");
        Delivery d = dispatcher.pushEvent(state(to), connection(to), event);
        // Only a push that was taken is a posted message (a refused one is the caller's to retry):
        // conversations.history lists it from now on. postMessage posts without a connection.
        state(to).messages.record(event);
        return d;
    }

    /**
     * A person posts a channel message: it is kept in the channel's history ({@code conversations.history})
     * and, if the app has an open connection, pushed to it as a {@code message} event; with none open the
     * event is not delivered (the gap a backfill recovers).
     *
     * @return the message's {@code ts}
     */
    public String postMessage(SimSlackApp app, String channel, String user, String text) {
        ObjectNode event = SlackEvents.message(channel, user, text);
        AppState s = state(app);
        s.messages.record(event);
        if (!s.openConnections().isEmpty()) {
            try {
                dispatcher.pushEvent(s, null, event);
            } catch (IllegalStateException closedMeanwhile) {
                // the last connection closed after the check: not delivered, like one sent while down
            }
        }
        return event.get("ts").asText();
    }

    /** Pushes a channel {@code message} event. See {@link #pushEventsApi}. */
    public Delivery pushMessage(Recipient to, String channel, String user, String text) {
        return pushEventsApi(to, SlackEvents.message(channel, user, text));
    }

    /** Pushes an {@code app_mention} event, prefixing {@code text} with the bot's mention. */
    public Delivery pushAppMention(Recipient to, String channel, String user, String text) {
        String mention = "<@" + state(to).app.botUserId() + "> " + text;
        return pushEventsApi(to, SlackEvents.appMention(channel, user, mention));
    }

    /** Pushes a {@code reaction_added} event on the message {@code messageTs}. */
    public Delivery pushReactionAdded(Recipient to, String channel, String user, String reaction,
                                      String messageTs) {
        return pushEventsApi(to, SlackEvents.reactionAdded(channel, user, reaction, messageTs));
    }

    /** Pushes a {@code message} event of subtype {@code message_deleted} for the message {@code deletedTs}. */
    public Delivery pushMessageDeleted(Recipient to, String channel, String deletedTs) {
        return pushEventsApi(to, SlackEvents.messageDeleted(channel, deletedTs));
    }

    /** Pushes an {@code interactive} envelope carrying {@code payload} as is. Never redelivered. */
    public Delivery pushInteractive(Recipient to, JsonNode payload) {
        Objects.requireNonNull(payload, "payload");
        return dispatcher.pushPayload(state(to), connection(to), EnvelopeType.INTERACTIVE, payload);
    }

    /** Pushes a {@code block_actions} click on a button with {@code actionId} and {@code value}. */
    public Delivery pushBlockAction(Recipient to, String channel, String user, String actionId, String value) {
        return pushInteractive(to, Envelopes.blockAction(state(to).app, channel, user, actionId, value));
    }

    /**
     * Pushes a {@code slash_commands} envelope ({@code accepts_response_payload: true}); the ack's payload,
     * if any, is in {@link AckRecord#payload()}. Never redelivered.
     */
    public Delivery pushSlashCommand(Recipient to, String channel, String user, String command, String text) {
        AppState app = state(to);
        return dispatcher.pushPayload(app, connection(to), EnvelopeType.SLASH_COMMANDS,
                Envelopes.slashCommand(app.app, channel, user, command, text));
    }

    /**
     * Sends {@code {"type":"disconnect","reason":…}} on one connection and leaves it open: the client is
     * expected to open a new connection and close this one.
     */
    public void sendDisconnect(SimConnection connection, DisconnectReason reason) {
        requireOpen(connection).socketAfterHello().send(Envelopes.disconnect(reason));
    }

    /** {@link #sendDisconnect} on every open connection of the app. */
    public void sendDisconnectToAll(SimSlackApp app, DisconnectReason reason) {
        for (SimConnection connection : openConnections(app)) {
            sendDisconnect(connection, reason);
        }
    }

    // ---- faults -------------------------------------------------------------------------------------

    /**
     * Applies a fault to one open connection.
     *
     * @throws IllegalStateException if the connection is closed, or a black hole is asked of a direct one
     */
    public void inject(SimConnection connection, ConnectionFault fault) {
        requireOpen(connection);
        ConnectionFaults.requireProxiedForBlackHole(List.of(connection), fault);
        ConnectionFaults.apply(connection, fault);
    }

    /**
     * Applies a fault to every open connection of the app.
     *
     * @throws IllegalStateException if a black hole is asked and one of them is direct (none is then touched)
     */
    public void injectAll(SimSlackApp app, ConnectionFault fault) {
        List<SimConnection> open = openConnections(app);
        ConnectionFaults.requireProxiedForBlackHole(open, fault);
        open.forEach(connection -> ConnectionFaults.apply(connection, fault));
    }

    /** Ends the lasting faults (half-open, black hole) of one connection. */
    public void clearFaults(SimConnection connection) {
        ConnectionFaults.clear(connection);
    }

    /**
     * Ends every fault of the app: lasting connection faults, method faults, handshake rejection, and
     * auth failures. The proxy routing is kept.
     */
    public void clearFaults(SimSlackApp app) {
        AppState state = state(app);
        state.clearMethodFaults();
        state.rejectHandshakes = false;
        state.holdHandshakes = false;
        state.authState = AuthState.VALID;
        state.connectionHistory.snapshot().forEach(this::clearFaults);
    }

    /** Makes every call with either of the app's tokens succeed or fail with {@code invalid_auth}/{@code token_revoked}. */
    public void setAuthState(SimSlackApp app, AuthState authState) {
        state(app).authState = Objects.requireNonNull(authState, "authState");
    }

    /** While on, the app's WebSocket handshakes are refused (HTTP 404), as a broken gateway would. */
    public void rejectHandshakes(SimSlackApp app, boolean reject) {
        state(app).rejectHandshakes = reject;
    }

    /**
     * While on, the app's WebSocket handshakes wait unanswered (no 101 yet) until it is turned off or the
     * simulator closes: a client's connect still in flight, for tests of what a close does meanwhile. A held
     * handshake occupies one of the server's two decoder threads, so other apps' sockets on that thread
     * stall meanwhile; use it with one app at a time.
     */
    public void holdHandshakes(SimSlackApp app, boolean hold) {
        state(app).holdHandshakes = hold;
    }

    /** The app's WebSocket handshakes being held now by {@link #holdHandshakes}. */
    public int heldHandshakes(SimSlackApp app) {
        return state(app).handshakesHeld.get();
    }

    /**
     * Whether {@code apps.connections.open} hands the app URLs through the TCP proxy (a prerequisite for
     * {@link ConnectionFault.BlackHole}) or direct ones. Affects connections opened afterwards only.
     */
    public void routeThroughProxy(SimSlackApp app, boolean viaProxy) {
        state(app).routeThroughProxy = viaProxy;
    }

    /** Makes every call of {@code method} with the app's tokens fail with {@code fault} until cleared. */
    public void failMethod(SimSlackApp app, String method, MethodFault fault) {
        state(app).armMethodFault(method, Objects.requireNonNull(fault, "fault"), -1);
    }

    /** Makes the next {@code times} calls of {@code method} with the app's tokens fail with {@code fault}. */
    public void failMethod(SimSlackApp app, String method, MethodFault fault, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be positive: " + times);
        }
        state(app).armMethodFault(method, Objects.requireNonNull(fault, "fault"), times);
    }

    /** Disarms the fault on {@code method}. */
    public void clearMethodFault(SimSlackApp app, String method) {
        state(app).clearMethodFault(method);
    }

    // ---- observations -------------------------------------------------------------------------------

    /** A snapshot of the app's counters. */
    public SlackAppStats stats(SimSlackApp app) {
        return state(app).stats();
    }

    /** Restarts "max open at once" from the number open now. */
    public void resetMaxOpenAtOnce(SimSlackApp app) {
        state(app).resetMaxOpenAtOnce();
    }

    /** Web API calls made with the app's tokens, oldest first. */
    public List<ApiCall> apiCalls(SimSlackApp app) {
        return state(app).calls.snapshot();
    }

    /** Web API calls with no token or one no registered app owns (answered {@code not_authed}/{@code invalid_auth}). */
    public List<ApiCall> unattributedApiCalls() {
        return unattributedCalls.snapshot();
    }

    /** Web API calls of one method made with the app's tokens, oldest first. */
    public List<ApiCall> apiCalls(SimSlackApp app, String method) {
        return apiCalls(app).stream().filter(call -> call.method().equals(method)).toList();
    }

    /** Envelopes written to the app's connections, redeliveries included, oldest first. */
    public List<Delivery> deliveries(SimSlackApp app) {
        return state(app).deliveries.snapshot();
    }

    /** All deliveries of one Events API event, in order of {@code retry_attempt}. */
    public List<Delivery> deliveriesOfEvent(SimSlackApp app, String eventId) {
        return deliveries(app).stream().filter(delivery -> eventId.equals(delivery.eventId())).toList();
    }

    /** Acks received for the app's envelopes, oldest first. */
    public List<AckRecord> acks(SimSlackApp app) {
        return state(app).acks.snapshot();
    }

    /** The ack of one envelope, if it arrived. */
    public Optional<AckRecord> ackFor(SimSlackApp app, String envelopeId) {
        return acks(app).stream().filter(ack -> ack.envelopeId().equals(envelopeId)).findFirst();
    }

    // ---- internals ----------------------------------------------------------------------------------

    private AppState state(SimSlackApp app) {
        return registry.state(Objects.requireNonNull(app, "app"));
    }

    private AppState state(Recipient to) {
        Objects.requireNonNull(to, "recipient");
        return to instanceof SimConnection connection ? state(connection.app()) : state((SimSlackApp) to);
    }

    private static SimConnection connection(Recipient to) {
        return to instanceof SimConnection connection ? connection : null;
    }

    private SimConnection requireOpen(SimConnection connection) {
        state(connection.app());
        if (!connection.isOpen()) {
            throw new IllegalStateException(connection + " is not open");
        }
        return connection;
    }
}
