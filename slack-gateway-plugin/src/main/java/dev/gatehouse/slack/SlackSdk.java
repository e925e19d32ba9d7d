package dev.gatehouse.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.auth.AuthTestResponse;
import com.slack.api.util.http.SlackHttpClient;
import dev.gatehouse.api.GatewayException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * One connection's {@link Slack} instance: its own {@link SlackConfig} (methods prefix from the
 * settings, stats off, the host's executors) and its own OkHttp client, watched by {@link ApiWatch}.
 * Nothing here is shared with other connections, so closing it cannot disturb them. The client sets no
 * OkHttp timeout (see {@link BoundedReadSockets}), so no "Okio Watchdog" thread ever starts.
 */
final class SlackSdk implements AutoCloseable {

    /**
     * A Web API read must not hang a reconnect or an outbound operation longer than this. Enforced per
     * read by the socket ({@link BoundedReadSockets}), not by OkHttp's timeouts, which would start
     * Okio's unstoppable watchdog thread.
     */
    private static final int READ_BOUND_MILLIS = 15_000;
    private static final int CONNECT_BOUND_MILLIS = 10_000;

    private final Slack slack;
    private final OkHttpClient http;
    private final ApiWatch watch;
    private final MethodsClient botMethods;

    private SlackSdk(Slack slack, OkHttpClient http, ApiWatch watch, String botToken) {
        this.slack = slack;
        this.http = http;
        this.watch = watch;
        this.botMethods = slack.methods(botToken);
    }

    static SlackSdk create(SlackSettings settings, SdkExecutors executors, ApiWatch watch) {
        return create(settings, executors, watch, READ_BOUND_MILLIS, CONNECT_BOUND_MILLIS);
    }

    /** As {@link #create(SlackSettings, SdkExecutors, ApiWatch)}, with other bounds (a one-shot check has its own). */
    static SlackSdk create(SlackSettings settings, SdkExecutors executors, ApiWatch watch, int readBoundMillis,
            int connectBoundMillis) {
        return create(settings, executors, watch, readBoundMillis, connectBoundMillis, BoundedReadSockets.NO_DEADLINE);
    }

    /** As above, with every connect and read also ending by {@code deadlineNanos}, a {@link System#nanoTime()} value. */
    static SlackSdk create(SlackSettings settings, SdkExecutors executors, ApiWatch watch, int readBoundMillis,
            int connectBoundMillis, long deadlineNanos) {
        SlackConfig config = new SlackConfig();
        // Stats off first: the constructor above just started four metrics threads on the SDK's own
        // pool; this stops them, and no new ones start on ours once the provider is set below.
        config.getMethodsConfig().setStatsEnabled(false);
        config.getAuditConfig().setStatsEnabled(false);
        config.getSCIMConfig().setStatsEnabled(false);
        config.getSCIM2Config().setStatsEnabled(false);
        config.setStatsEnabled(false);
        config.setExecutorServiceProvider(executors);
        config.setMethodsEndpointUrlPrefix(settings.apiUrl().toString());
        OkHttpClient http = SlackHttpClient.buildOkHttpClient(config).newBuilder()
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .writeTimeout(0, TimeUnit.MILLISECONDS)
                .callTimeout(0, TimeUnit.MILLISECONDS)
                .connectTimeout(connectBoundMillis, TimeUnit.MILLISECONDS)
                .connectionPool(executors.pools().httpConnections())
                .socketFactory(new BoundedReadSockets(readBoundMillis, connectBoundMillis, deadlineNanos))
                // HTTP/2 parks a reader on an idle connection, which a read bound would keep failing.
                .protocols(List.of(Protocol.HTTP_1_1))
                .addInterceptor(watch).build();
        SlackHttpClient client = new SlackHttpClient(http);
        client.setConfig(config);
        return new SlackSdk(Slack.getInstance(config, client), http, watch, settings.botToken());
    }

    Slack slack() {
        return slack;
    }

    /** The Web API with the bot token. */
    MethodsClient botMethods() {
        return botMethods;
    }

    /**
     * Who the bot is ({@code auth.test} with the bot token). A fatal answer has already been reported
     * through {@link ApiWatch} when this throws.
     */
    BotIdentity identify() {
        AuthTestResponse r;
        try {
            r = botMethods.authTest(req -> req);
        } catch (IOException e) {
            throw new GatewayException("auth.test failed: " + e.getMessage(), true, e);
        } catch (SlackApiException e) {
            throw new GatewayException("auth.test answered HTTP " + e.getResponse().code(), true, null);
        }
        if (!r.isOk()) {
            throw new GatewayException("auth.test answered '" + r.getError() + "'", false, null);
        }
        return new BotIdentity(r.getUserId(), r.getBotId(), r.getTeamId());
    }

    /** Why {@code apps.connections.open} last failed, for error messages, or {@code null}. */
    String lastConnectionsOpenFailure() {
        return watch.lastFailure("apps.connections.open");
    }

    /**
     * Fails every Web API call from now on and cancels those in flight: a reconnect the SDK started
     * on its own thread cannot obtain a new WebSocket URL after this.
     */
    void refuseCalls(String subject) {
        watch.refuseCalls(subject);
        http.dispatcher().cancelAll();
    }

    /** Closes the pooled keep-alive sockets now, instead of leaving them to OkHttp's idle eviction. */
    void releaseIdleConnections() {
        http.connectionPool().evictAll();
    }

    /** Releases the HTTP client and the configuration's pools. */
    @Override
    public void close() throws Exception {
        slack.close();
    }
}
