package dev.gatehouse.bench;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.model.event.MessageEvent;
import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.util.thread.DaemonThreadExecutorServiceProvider;
import com.slack.api.util.thread.ExecutorServiceProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The baseline: a Bolt {@code SocketModeApp} (Tyrus) as a developer would write it by hand, with the SDK's
 * defaults, pointed at the simulator. Its message handler records the message's {@code ts} and acks. The only
 * addition is bookkeeping of the SDK's pools, so that {@link #close()} leaves no thread behind.
 */
final class BareSlack implements AutoCloseable {

    private final TrackedPools pools = new TrackedPools();
    private final Slack slack;
    private final SocketModeApp socketModeApp;
    /** Captured after start: {@code SocketModeApp.close()} forgets its client. */
    private volatile SocketModeClient client;

    private BareSlack(String apiUrl, String appToken, String botToken, Arrivals arrivals) throws Exception {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(apiUrl);
        config.setExecutorServiceProvider(pools);
        slack = Slack.getInstance(config);
        App bolt = new App(AppConfig.builder().singleTeamBotToken(botToken).slack(slack)
                .executorServiceProvider(pools).build());
        bolt.event(MessageEvent.class, (req, ctx) -> {
            arrivals.seen(req.getEvent().getTs());
            return ctx.ack();
        });
        socketModeApp = new SocketModeApp(appToken, bolt, SocketModeClient.Backend.Tyrus);
    }

    /** Starts the app; with Tyrus this returns once the first WebSocket is open. */
    static BareSlack start(String apiUrl, String appToken, String botToken, Arrivals arrivals) throws Exception {
        BareSlack bare = new BareSlack(apiUrl, appToken, botToken, arrivals);
        try {
            bare.socketModeApp.startAsync();
            bare.client = bare.socketModeApp.getClient();
            return bare;
        } catch (Exception | Error e) {
            bare.close();
            throw e;
        }
    }

    /** The SDK's documented teardown: no auto-reconnect, disconnect, close app, client and Slack, then pools. */
    @Override
    public void close() {
        SocketModeClient c = client != null ? client : socketModeApp.getClient();
        try {
            if (c != null) {
                c.setAutoReconnectEnabled(false);
                c.disconnect();
            }
            socketModeApp.close();
            if (c != null) {
                c.close();
            }
            slack.close();
        } catch (Exception e) {
            // closing anyway: the pools below end every thread the SDK made for this app
        } finally {
            pools.shutdownNow();
        }
    }

    /** The SDK's default daemon pools, remembered so they can be shut down. */
    private static final class TrackedPools implements ExecutorServiceProvider {
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
