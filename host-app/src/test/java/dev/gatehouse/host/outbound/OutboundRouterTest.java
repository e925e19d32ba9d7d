package dev.gatehouse.host.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.testing.FakeTime;
import dev.gatehouse.host.testing.SilentConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboundRouterTest {

    private static final ConnectionKey ACME = new ConnectionKey("acme", "slack");

    private final ExecutorService pool = DaemonThreads.shortLivedPool("test-outbound", Duration.ofSeconds(5));
    private final FakeTime time = new FakeTime();
    private final OutboundRouter router = new OutboundRouter(pool, time, 1000, Duration.ofSeconds(60));
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    /** A live connection whose {@code post} does what {@code behaviour} says with the text. */
    private void live(Function<String, String> behaviour) {
        GatewayConnection c = new SilentConnection() {
            @Override
            public String post(String channelId, String text) {
                String id = behaviour.apply(text);
                posted.add(text);
                return id;
            }

            @Override
            public void close() {
            }
        };
        router.register(ACME, () -> c, () -> getClass().getClassLoader());
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void anErrorThrownByThePluginFailsThatSendAndTheChannelKeepsSending() throws Exception {
        live(text -> switch (text) {
            case "overflow" -> String.valueOf(recurse(0));
            case "linkage" -> throw new NoClassDefFoundError("com/slack/api/Gone");
            default -> "ts-" + text;
        });
        CompletableFuture<String> overflow = router.send(ACME, new Outbound.Post("C1", "overflow"));
        CompletableFuture<String> linkage = router.send(ACME, new Outbound.Post("C1", "linkage"));
        CompletableFuture<String> after = router.send(ACME, new Outbound.Post("C1", "after"));

        assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo("ts-after");
        assertThatThrownBy(() -> overflow.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(StackOverflowError.class);
        assertThatThrownBy(() -> linkage.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(NoClassDefFoundError.class);
        assertThat(router.send(ACME, new Outbound.Post("C1", "later")).get(5, TimeUnit.SECONDS)).isEqualTo("ts-later");
    }

    @Test
    void aChannelWithAFullLaneRefusesTheNewestSendWithAnExplicitError() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        live(text -> {
            if (text.equals("slow")) {
                started.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return "ts-" + text;
        });
        router.send(ACME, new Outbound.Post("C1", "slow"));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> waiting = new ArrayList<>();
        for (int i = 0; i < OutboundRouter.CHANNEL_QUEUE; i++) {
            waiting.add(router.send(ACME, new Outbound.Post("C1", "m" + i)));
        }
        CompletableFuture<String> refused = router.send(ACME, new Outbound.Post("C1", "one-too-many"));
        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).hasMessageContaining("slack/acme channel C1")
                .hasMessageContaining(OutboundRouter.CHANNEL_QUEUE + " sends are already waiting")
                .hasMessageContaining("not sent");
        assertThat(router.send(ACME, new Outbound.Post("C2", "elsewhere")).get(5, TimeUnit.SECONDS)).isEqualTo("ts-elsewhere");

        release.countDown();
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(posted).doesNotContain("one-too-many").hasSize(OutboundRouter.CHANNEL_QUEUE + 2);
    }
}
