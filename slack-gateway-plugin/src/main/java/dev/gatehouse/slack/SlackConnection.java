package dev.gatehouse.slack;

import com.slack.api.socket_mode.SocketModeClient;
import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewayException;
import dev.gatehouse.api.MessageHistory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workspace's Slack connection for one attempt: a Bolt Socket Mode client of its own, whose
 * lifecycle {@link LinkWatch} reports to the host, whose envelopes {@link InboundEnvelopes} delivers
 * and acknowledges, and whose Web API carries the outbound operations.
 *
 * <p>Threads: the SDK's pools run on the host's executors ({@link SdkExecutors}); the plugin adds two
 * host threads, one sending acknowledgements, one confirming closes. Two kinds of library threads
 * remain, both stopped by {@link #close()}: Tyrus's socket threads ({@code Grizzly(n)},
 * {@code tyrus-n-thread-n}) end with their sockets, and {@code SocketModeApp}'s own
 * {@code slack-bolt-socket-mode-worker-n} pool, which its constructor creates without a provider, ends
 * with {@code SocketModeApp.close()}.
 */
final class SlackConnection implements GatewayConnection {

    private static final Logger log = LoggerFactory.getLogger(SlackConnection.class);

    private final GatewayContext context;
    private final String subject;
    private final SlackSdk sdk;
    private final SdkExecutors executors;
    private final BoltStack bolt;
    private final SlackOutbound outbound;
    private final ScheduledExecutorService ackThread;
    private final ScheduledExecutorService watchThread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile LinkWatch link;
    private volatile InboundEnvelopes envelopes;
    private volatile SlackHistory history;

    private SlackConnection(GatewayContext context, SlackSdk sdk, SdkExecutors executors) {
        this.context = context;
        this.subject = "slack/" + context.workspace() + " epoch " + context.epoch();
        this.sdk = sdk;
        this.executors = executors;
        this.bolt = new BoltStack(sdk, executors, subject);
        this.outbound = new SlackOutbound(sdk.botMethods(), RateLimitRetry.standard());
        this.ackThread = context.executors().newScheduler("acks", 1);
        this.watchThread = context.executors().newScheduler("link-watch", 1);
    }

    /**
     * Opens the connection; returns once the WebSocket is open (or the SDK retries by itself, which the
     * host bounds with its open timeout). On failure everything created so far is released; a fatal
     * auth error has been reported through {@code markFatal} before this throws.
     */
    static SlackConnection open(GatewayContext context) throws Exception {
        SlackSettings settings = SlackSettings.from(context.settings());
        SdkStatics.stopStaticMetricsThreads();
        SdkExecutors executors = new SdkExecutors(context.executors());
        ApiWatch watch = new ApiWatch(context.settings().path(), context.health()::markFatal);
        SlackConnection connection = new SlackConnection(context, SlackSdk.create(settings, executors, watch), executors);
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
        link = new LinkWatch(context.health(), subject, watchThread, census);
        Acknowledger acks = new Acknowledger(ackThread, System::nanoTime, Acknowledger.DEADLINE, bolt::ack, subject);
        envelopes = new InboundEnvelopes(new EventMapper(me), context.inbound(), acks, context.health(), subject);
        SocketModeClient client = bolt.start(settings.appToken(), settings.botToken());
        if (client == null) {
            throw new IllegalStateException("the Socket Mode client could not be created");
        }
        link.attach(client);
        if (!settings.transportHooks()) {
            context.health().markTransportNotHookable("transportHooks: false in the configuration");
        }
        ObservedQueue queue = new ObservedQueue(client.getMessageQueue(), this::admitDisconnect,
                executors::wakeProcessor, System::nanoTime);
        executors.processFrom(queue);
        client.setMessageQueue(queue);
        client.addWebSocketMessageListener(new Frames(link, envelopes, context.health(), queue::lastPollReceivedNanos,
                subject));
        client.addWebSocketCloseListener(link::onClose);
        client.addWebSocketErrorListener(e -> log.debug("{}: WebSocket error: {}", subject, e.toString()));
        bolt.release();
        log.info("{}: Socket Mode client started as user {} in team {}", subject, me.userId(), me.teamId());
    }

    /** Whether the SDK may act on Slack's disconnect message (it reconnects at once); see {@link DisconnectPolicy}. */
    private boolean admitDisconnect(String reason) {
        if (closed.get()) {
            return false; // closing: the SDK must not open a new socket while the last frames are handled
        }
        if (DisconnectPolicy.forReason(reason) == DisconnectPolicy.HOLD) {
            link.onHeldDisconnect(reason);
            return false;
        }
        log.info("{}: Slack asked to reconnect ({}); the SDK replaces the socket make-before-break", subject, reason);
        return true;
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

    /** See {@link BoltStack#close}; bounded by most of the host's close timeout. */
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
        bolt.close(started + bound.toNanos());
        ackThread.shutdownNow();
        watchThread.shutdownNow();
        log.info("{}: closed in {} ms", subject, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
}
