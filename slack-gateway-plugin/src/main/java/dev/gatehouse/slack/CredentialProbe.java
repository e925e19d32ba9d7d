package dev.gatehouse.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.auth.AuthTestResponse;
import dev.gatehouse.api.CredentialCheck;
import dev.gatehouse.api.GatewayExecutors;
import dev.gatehouse.slack.FatalAuthErrors.TokenKind;
import dev.gatehouse.api.Durations;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks Slack whether a workspace's two tokens are accepted, with the calls a connection makes first:
 * {@code auth.test} with the bot token, and {@code apps.connections.open} with the app-level token.
 *
 * <p>Why {@code apps.connections.open} for the app token: {@code auth.test} is meant for bot and user
 * tokens, so it says nothing reliable about an {@code xapp-} token, while {@code apps.connections.open}
 * is the one method that token exists for. The SDK's {@code appsConnectionsOpen} is a plain form POST
 * that returns a single-use WebSocket URL; nothing connects to it here, so no socket is opened and a
 * running host's connections are untouched (the URL expires unused).
 */
final class CredentialProbe {

    private final SlackSettings settings;
    private final String path;

    CredentialProbe(SlackSettings settings, String path) {
        this.settings = settings;
        this.path = path;
    }

    /**
     * Both calls on one short-lived SDK instance of its own, under one deadline {@code timeout} from now: each
     * connect and read gets only the time left, and the second call is not made once none is left.
     */
    CredentialCheck check(GatewayExecutors executors, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int bound = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        SdkStatics.stopStaticMetricsThreads();
        SdkExecutors pools = new SdkExecutors(executors);
        try (SlackSdk sdk = SlackSdk.create(settings, pools, new ApiWatch(path, fatal -> { }), bound, bound, deadline)) {
            try {
                List<Failure> failures = new ArrayList<>();
                BotIdentity bot = botToken(sdk.botMethods(), failures, timeout);
                if (System.nanoTime() - deadline < 0) {
                    appToken(sdk.slack().methods(settings.appToken()), failures, timeout);
                } else if (failures.isEmpty() || !failures.get(failures.size() - 1).timedOut()) {
                    failures.add(noAnswer("apps.connections.open was not asked", timeout));
                }
                if (failures.isEmpty()) {
                    return CredentialCheck.ok("bot user " + bot.userId() + " in team " + bot.teamId() + "; app-level token accepted by"
                            + " apps.connections.open");
                }
                return CredentialCheck.failed(String.join("; ", failures.stream().map(Failure::problem).toList()),
                        String.join("; ", failures.stream().map(Failure::fix).distinct().toList()));
            } finally {
                sdk.releaseIdleConnections();
                pools.shutdownNow();
            }
        }
    }

    /** @return who the bot is, or {@code null} after adding a failure */
    private BotIdentity botToken(MethodsClient methods, List<Failure> failures, Duration timeout) {
        AuthTestResponse r = call("auth.test", TokenKind.BOT, failures, timeout, () -> methods.authTest(req -> req));
        return r == null ? null : new BotIdentity(r.getUserId(), r.getBotId(), r.getTeamId());
    }

    private void appToken(MethodsClient methods, List<Failure> failures, Duration timeout) {
        call("apps.connections.open", TokenKind.APP, failures, timeout, () -> methods.appsConnectionsOpen(req -> req));
    }

    private Failure noAnswer(String what, Duration timeout) {
        return new Failure("no answer from Slack within " + Durations.format(timeout) + " (" + what + ")",
                "check the network and any proxy, and " + path + "." + SlackSettings.API_URL, true);
    }

    private record Failure(String problem, String fix, boolean timedOut) {
        Failure(String problem, String fix) {
            this(problem, fix, false);
        }
    }

    private interface Call<R> {
        R run() throws IOException, SlackApiException;
    }

    private <R extends SlackApiTextResponse> R call(String method, TokenKind kind, List<Failure> failures, Duration timeout,
            Call<R> call) {
        String url = settings.apiUrl() + method;
        R r;
        try {
            r = call.run();
        } catch (SocketTimeoutException e) {
            failures.add(noAnswer(method + " at " + url, timeout));
            return null;
        } catch (IOException e) {
            failures.add(new Failure("could not reach Slack at " + url + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")",
                "check the network and any proxy, and " + path + "." + SlackSettings.API_URL));
            return null;
        } catch (SlackApiException e) {
            failures.add(new Failure("Slack answered " + method + " with HTTP " + e.getResponse().code() + " at " + url,
                "if " + path + "." + SlackSettings.API_URL + " is right, Slack has a problem: try again later"));
            return null;
        }
        if (r.isOk()) {
            return r;
        }
        if (FatalAuthErrors.isFatal(method, r.getError())) {
            failures.add(new Failure(FatalAuthErrors.problem(path, method, kind, r.getError()),
                FatalAuthErrors.fix(path, kind)));
        } else {
            failures.add(new Failure("Slack answered " + method + " with '" + r.getError() + "'",
                "try again later; if it persists, look the code up at https://api.slack.com/methods/" + method));
        }
        return null;
    }
}
