package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import dev.gatehouse.api.GatewayException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.Test;

class RateLimitRetryTest {

    private long now;
    private final List<Duration> sleeps = new ArrayList<>();
    private final RateLimitRetry retry = new RateLimitRetry(3, Duration.ofSeconds(30), () -> now, d -> {
        sleeps.add(d);
        now += d.toNanos();
    });

    private static SlackApiException http(int status, String retryAfter, String body) {
        Response.Builder b = new Response.Builder()
                .request(new Request.Builder().url("http://127.0.0.1/api/chat.postMessage")
                        .header("Authorization", "Bearer xoxb-do-not-leak").build())
                .protocol(Protocol.HTTP_1_1).code(status).message("status " + status)
                .body(ResponseBody.create(body, MediaType.get("application/json")));
        if (retryAfter != null) {
            b.header("Retry-After", retryAfter);
        }
        return new SlackApiException(b.build(), body);
    }

    private static ChatPostMessageResponse ok(String ts) {
        ChatPostMessageResponse r = new ChatPostMessageResponse();
        r.setOk(true);
        r.setTs(ts);
        return r;
    }

    private static ChatPostMessageResponse error(String code) {
        ChatPostMessageResponse r = new ChatPostMessageResponse();
        r.setOk(false);
        r.setError(code);
        return r;
    }

    /** Answers from a script: a response, or an exception to throw. */
    private RateLimitRetry.Call<ChatPostMessageResponse> script(Object... outcomes) {
        Deque<Object> q = new ArrayDeque<>(List.of(outcomes));
        return () -> {
            Object o = q.removeFirst();
            if (o instanceof SlackApiException e) {
                throw e;
            }
            if (o instanceof IOException e) {
                throw e;
            }
            return (ChatPostMessageResponse) o;
        };
    }

    @Test
    void aRateLimitedCallIsRetriedAfterRetryAfter() {
        ChatPostMessageResponse r = retry.call("chat.postMessage", "C1",
                script(http(429, "2", "{\"ok\":false,\"error\":\"ratelimited\"}"), ok("1.1")));
        assertThat(r.getTs()).isEqualTo("1.1");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void aPersistentRateLimitGivesUpAfterThreeTriesWithARetryableError() {
        SlackApiException limited = http(429, "1", "{\"ok\":false,\"error\":\"ratelimited\"}");
        assertThatThrownBy(() -> retry.call("chat.postMessage", "C1", script(limited, limited, limited)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage()).contains("chat.postMessage (C1)").contains("gave up after 3 tries")
                            .doesNotContain("xoxb");
                });
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void aRetryAfterBeyondTheTimeBudgetIsNotWaitedFor() {
        SlackApiException longWait = http(429, "40", "{\"ok\":false,\"error\":\"ratelimited\"}");
        assertThatThrownBy(() -> retry.call("chat.postMessage", "C1", script(longWait)))
                .isInstanceOf(GatewayException.class).hasMessageContaining("Retry-After 40 s");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aRefusalIsNotRetriedAndNotRetryable() {
        assertThatThrownBy(() -> retry.call("chat.postMessage", "C9", script(error("channel_not_found"))))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).isEqualTo("slack chat.postMessage (C9) refused: 'channel_not_found'");
                });
        assertThat(sleeps).isEmpty();
    }

    @Test
    void serverErrorsAndNetworkFailuresAreRetryableAndCarryNoToken() {
        assertThatThrownBy(() -> retry.call("chat.update", "C1 1.1", script(http(503, null, "{\"ok\":false,\"error\":\"fatal_error\"}"))))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage()).isEqualTo("slack chat.update (C1 1.1) failed: HTTP 503 'fatal_error'");
                    assertThat(e.getCause()).isNull();
                });
        assertThatThrownBy(() -> retry.call("chat.delete", "C1 1.1", script(new IOException("connection refused"))))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void aMissingOrBrokenRetryAfterWaitsOneSecond() {
        assertThat(RateLimitRetry.retryAfter(null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RateLimitRetry.retryAfter("soon")).isEqualTo(Duration.ofSeconds(1));
        assertThat(RateLimitRetry.retryAfter(" 7 ")).isEqualTo(Duration.ofSeconds(7));
    }
}
