package dev.gatehouse.slack;

import com.slack.api.socket_mode.queue.impl.ConcurrentLinkedMessageQueue;
import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewayException;
import dev.gatehouse.api.MessageHistory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workspace's Slack connection for one attempt: a Socket Mode client of its own
 * ({@link SlackSocket}), whose lifecycle {@link LinkWatch} reports to the host, whose envelopes
 * {@link InboundEnvelopes} delivers and acknowledges, and whose Web API carries the outbound operations.
 *
 * <p>Threads: none of its own while idle. Its serial work (message processor, acknowledgements, link
 * checks, pings, superseded-socket closes) runs in {@link Lane}s and its reconnects on the plugin's
 * shared pools ({@link SlackPools}); its sockets share the plugin's Grizzly transport and Tyrus pools
 * ({@link SlackSocket}, {@link TyrusPools}).
 */
final class SlackConnection implements GatewayConnection {

    private static final Logger log = LoggerFactory.getLogger(SlackConnection.class);

    private final GatewayContext context;
    private final String subject;
    private final SlackSdk sdk;
    private final SdkExecutors executors;
    private final SlackPools pools;
    private final SlackOutbound outbound;
    private final Lane ackLane;
    private final Lane watchLane;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile LinkWatch link;
    private volatile SocketStack stack;
    private volatile Reconnector reconnector;
    private volatile SlackHistory history;

    private SlackConnection(GatewayContext context, SlackSdk sdk, SdkExecutors executors, SlackPools pools) {
        this.context = context;
        this.subject = "slack/" + context.workspace() + " epoch " + context.epoch();
        this.sdk = sdk;
        this.executors = executors;
        this.pools = pools;
        this.outbound = new SlackOutbound(sdk.botMethods(), RateLimitRetry.standard());
        this.ackLane = pools.lane();
        this.watchLane = pools.lane();
    }

    /**
     * Opens the connection; returns once the WebSocket is open (or the SDK retries by itself, which the
     * host bounds with its open timeout). On failure everything created so far is released; a fatal
     * auth error has been reported through {@code markFatal} before this throws.
     */
    static SlackConnection open(GatewayContext context) throws Exception {
        SlackSettings settings = SlackSettings.from(context.settings());
        SdkStatics.stopStaticMetricsThreads();
        SlackPools pools = SlackPools.forConnection(context.executors());
        SdkExecutors executors = new SdkExecutors(context.executors(), pools);
        ApiWatch watch = new ApiWatch(context.settings().path(), context.health()::markFatal);
        SlackConnection connection = new SlackConnection(context, SlackSdk.create(settings, executors, watch), executors,
                pools);
        try {
            connection.start(settings);
            return connection;
        } catch (Exception | Error e) {
            connection.close();
            throw connection.describe(e);
        }
    }

    private void start(SlackSettings settings) throws Exception {
        BotIdentity me = sdk.identify();
        history = new SlackHistory(sdk.botMethods(), me);
        SocketCensus census = new SocketCensus(System::nanoTime);
        link = new LinkWatch(context.health(), subject, watchLane, census);
        Acknowledger acks = new Acknowledger(ackLane, System::nanoTime, Acknowledger.DEADLINE, this::ack, subject);
        InboundEnvelopes envelopes = new InboundEnvelopes(new EventMapper(me), context.inbound(), acks, context.health(),
                subject);
        ObservedQueue queue = new ObservedQueue(new ConcurrentLinkedMessageQueue(), this::admitDisconnect,
                executors::wakeProcessor, System::nanoTime);
        Lane closer = pools.lane();
        SlackSocket socket = new SlackSocket(sdk.slack(), settings.appToken(), queue, closer, System::nanoTime);
        executors.processFrom(queue);
        Reconnector reconnector = new Reconnector(socket, pools.work(), pools.timer(), subject, link::onReconnectFailed);
        Heartbeat heartbeat = new Heartbeat(socket, watchLane, settings.pingInterval(), settings.pongTimeout(),
                System::nanoTime, link::onDead);
        stack = new SocketStack(sdk, executors, socket, reconnector, heartbeat, closer, subject);
        link.attach(new LinkWatch.Link() {
            @Override
            public boolean currentOpen() {
                return socket.verifyConnection();
            }

            @Override
            public void reconnect(String why) {
                reconnector.afterLoss(why);
            }

            @Override
            public void stopReconnecting() {
                reconnector.stop();
            }

            @Override
            public void disconnect() {
                socket.disconnect();
            }
        });
        this.reconnector = reconnector;
        if (!settings.transportHooks()) {
            context.health().markTransportNotHookable("transportHooks: false in the configuration");
        }
        socket.addWebSocketMessageListener(new Frames(link, envelopes, context.health(), queue::lastPollReceivedNanos,
                subject));
        socket.onSessionClosed((session, wasCurrent, code, reason) -> link.onClose(wasCurrent, code, reason));
        socket.addWebSocketErrorListener(e -> log.debug("{}: WebSocket error: {}", subject, e.toString()));
        stack.start();
        log.info("{}: Socket Mode client started as user {} in team {}", subject, me.userId(), me.teamId());
    }

    private void ack(String envelopeId) {
        SocketStack s = stack;
        if (s != null) {
            s.ack(envelopeId);
        }
    }

    /**
     * Takes Slack's disconnect message before the SDK would act on it (on its message processor, which
     * a reconnect would then block); see {@link DisconnectPolicy}. Never lets it through.
     */
    private boolean admitDisconnect(String reason) {
        if (closed.get()) {
            return false; // closing: no new socket while the last frames are handled
        }
        if (DisconnectPolicy.forReason(reason) == DisconnectPolicy.HOLD) {
            link.onHeldDisconnect(reason);
            return false;
        }
        log.info("{}: Slack asked to reconnect ({}); replacing the socket make-before-break", subject, reason);
        reconnector.refresh("Slack asked: " + reason);
        return false;
    }

    /** An exception for the host that says what failed, without secrets. */
    private Exception describe(Throwable e) {
        if (e instanceof GatewayException g) {
            return new GatewayException(subject + ": " + g.getMessage(), g.isRetryable(), g);
        }
        String openFailure = sdk.lastConnectionsOpenFailure();
        if (openFailure != null) {
            return new GatewayException(subject + ": apps.connections.open failed: " + openFailure, true, e);
        }
        return new GatewayException(subject + ": could not start the Socket Mode client: " + e, true, e);
    }

    /** Releases what a start that failed before the client existed created. */
    private void quietlyClose() {
        sdk.refuseCalls(subject);
        try {
            sdk.close();
        } catch (Exception e) {
            log.debug("{}: close the Slack client failed: {}", subject, e.toString());
        }
        executors.shutdownNow();
    }

    @Override
    public String post(String channelId, String text) {
        return outbound.post(channelId, text);
    }

    @Override
    public String reply(String channelId, String threadId, String text) {
        return outbound.reply(channelId, threadId, text);
    }

    @Override
    public void edit(String channelId, String messageId, String text) {
        outbound.edit(channelId, messageId, text);
    }

    @Override
    public void delete(String channelId, String messageId) {
        outbound.delete(channelId, messageId);
    }

    @Override
    public void react(String channelId, String messageId, String emoji) {
        outbound.react(channelId, messageId, emoji);
    }

    @Override
    public Optional<MessageHistory> history() {
        return Optional.ofNullable(history);
    }

    /** See {@link SocketStack#close}; bounded by most of the host's close timeout. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        Duration bound = context.closeTimeout().multipliedBy(3).dividedBy(4);
        if (link != null) {
            link.closing();
        }
        SocketStack s = stack;
        if (s != null) {
            s.close(started + bound.toNanos());
        } else {
            quietlyClose();
        }
        ackLane.shutdownNow();
        watchLane.shutdownNow();
        pools.releaseIfPrivate();
        log.info("{}: closed in {} ms", subject, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
}
