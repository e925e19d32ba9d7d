package dev.gatehouse.slack;

import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import dev.gatehouse.api.GatewayException;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Runs one Web API call, retrying it after Slack's {@code Retry-After} when rate limited (HTTP 429),
 * within a bound on tries and on total time; every other outcome becomes a result or a
 * {@link GatewayException} whose message names the method and the target, never a token.
 */
final class RateLimitRetry {

    /** A Web API call. */
    interface Call<T extends SlackApiTextResponse> {
        T run() throws IOException, SlackApiException;
    }

    /** How the retry waits (a seam for tests). */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Errors worth sending again later: Slack's own trouble, not a refusal of this request. */
    private static final Set<String> TRANSIENT = Set.of("internal_error", "fatal_error", "service_unavailable",
            "request_timeout", "ratelimited");
    /** Used when a 429 carries no usable Retry-After. */
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(1);

    private final int maxTries;
    private final Duration budget;
    private final LongSupplier nanos;
    private final Sleeper sleeper;

    RateLimitRetry(int maxTries, Duration budget, LongSupplier nanos, Sleeper sleeper) {
        this.maxTries = maxTries;
        this.budget = budget;
        this.nanos = nanos;
        this.sleeper = sleeper;
    }

    /** Three tries within 30 s, on the real clock. */
    static RateLimitRetry standard() {
        return new RateLimitRetry(3, Duration.ofSeconds(30), System::nanoTime, d -> Thread.sleep(d.toMillis()));
    }

    /**
     * @param method e.g. {@code chat.postMessage}
     * @param target e.g. the channel, for messages
     */
    <T extends SlackApiTextResponse> T call(String method, String target, Call<T> call) {
        String what = "slack " + method + " (" + target + ")";
        long start = nanos.getAsLong();
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                T response = call.run();
                if (response.isOk()) {
                    return response;
                }
                if (!"ratelimited".equals(response.getError())) {
                    throw new GatewayException(what + " refused: '" + response.getError() + "'",
                            TRANSIENT.contains(response.getError()), null);
                }
                wait = DEFAULT_WAIT;
            } catch (SlackApiException e) {
                int status = e.getResponse().code();
                if (status != 429) {
                    // The exception holds the HTTP request; only the status and Slack's error code travel on.
                    String error = e.getError() == null ? "" : " '" + e.getError().getError() + "'";
                    throw new GatewayException(what + " failed: HTTP " + status + error, status >= 500, null);
                }
                wait = retryAfter(e.getResponse().header("Retry-After"));
            } catch (IOException e) {
                throw new GatewayException(what + " failed: " + e.getMessage(), true, e);
            }
            Duration spent = Duration.ofNanos(nanos.getAsLong() - start);
            if (attempt >= maxTries || spent.plus(wait).compareTo(budget) > 0) {
                throw new GatewayException(what + ": rate limited by Slack; gave up after " + attempt + " tr"
                        + (attempt == 1 ? "y" : "ies") + " in " + spent.toMillis() + " ms (Retry-After "
                        + wait.toSeconds() + " s, limits " + maxTries + " tries / " + budget.toSeconds() + " s)", true, null);
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GatewayException(what + ": interrupted while waiting out a rate limit", true, e);
            }
        }
    }

    static Duration retryAfter(String header) {
        try {
            long seconds = header == null ? -1 : Long.parseLong(header.trim());
            return seconds >= 0 ? Duration.ofSeconds(seconds) : DEFAULT_WAIT;
        } catch (NumberFormatException e) {
            return DEFAULT_WAIT;
        }
    }
}
