package dev.gatehouse.host.admin;

import static dev.gatehouse.host.admin.RawHttp.exchange;
import static dev.gatehouse.host.admin.RawHttp.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.admin.RawHttp.Reply;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.testing.LiveThreads;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a slow, stalled or oversized request costs the admin API: never the probes. */
class AdminLimitsTest {

    @TempDir
    Path dir;
    private AdminFixture f;
    private String self;
    private final List<RawHttp> open = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        f = new AdminFixture(dir, "  listen: 127.0.0.1:0\n", Map.of());
        self = "Host: 127.0.0.1:" + f.port();
    }

    @AfterEach
    void stop() throws Exception {
        for (RawHttp c : open) {
            c.close();
        }
        f.close();
    }

    private RawHttp stalled(String partial) throws Exception {
        RawHttp c = new RawHttp(f.port(), Duration.ofSeconds(20)).send(partial);
        open.add(c);
        return c;
    }

    @Test
    void stalledRequestsAndASlowCommandLeaveTheProbesAnswering() throws Exception {
        // The next close of acme hangs: disable then takes the whole close timeout (8 s).
        f.server.latest("acme").send("HANG_CLOSE");
        f.server.event("acme", "sync-1", "C1", "after the hang order");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.server.unacked("acme") == 0);
        CompletableFuture<Reply> disable = CompletableFuture.supplyAsync(() -> {
            try {
                return exchange(f.port(), request("POST", "/connections/acme/loopback/disable", self, "Content-Length: 0"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> f.conn("acme").state() != ConnectionState.CONNECTED);
        for (int i = 0; i < 40; i++) {
            stalled("GET /status HTTP/1.1\r\n" + self + "\r\nX-Stall: ");
        }

        // /status runs on the command pool: the slow disable holds none of its threads while it waits.
        for (String probe : new String[] {"/livez", "/readyz", "/metrics", "/status"}) {
            long t0 = System.nanoTime();
            try (RawHttp c = new RawHttp(f.port(), Duration.ofSeconds(3))) {
                Reply r = c.send(request("GET", probe, self)).read();
                assertThat(r.status()).as(probe).isIn(200, 503);
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).as(probe + " answered within (ms)").isLessThan(3_000);
        }
        assertThat(disable).as("the slow command was still in flight").isNotDone();
        assertThat(LiveThreads.named("gatehouse-admin")).as("threads of the admin API, whatever the number of connections")
                .hasSizeLessThanOrEqualTo(5);
        Reply done = disable.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(done.status()).isEqualTo(200);
    }

    @Test
    void aRequestThatStopsHalfWayIsAnswered408AndClosed() throws Exception {
        RawHttp c = stalled("GET /livez HTTP/1.1\r\n" + self + "\r\n");
        long t0 = System.nanoTime();
        Reply r = c.read();
        assertThat(r.status()).isEqualTo(408);
        assertThat(r.error()).contains("request not received within");
        assertThat(c.closedByServer()).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until answered").isLessThan(10_000);
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413BeforeItIsRead() throws Exception {
        RawHttp c = stalled(request("POST", "/connections/acme/loopback/reconnect", self, "Content-Length: 65537"));
        Reply r = c.read();
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.error()).contains("65537").contains("65536");
        assertThat(f.conn("acme").epoch()).as("nothing was done").isEqualTo(1);

        String small = "x".repeat(100);
        Reply ok = exchange(f.port(), "POST /connections/acme/loopback/reconnect HTTP/1.1\r\n" + self
                + "\r\nContent-Length: 100\r\n\r\n" + small);
        assertThat(ok.status()).as("a small body is read and ignored").isEqualTo(202);
    }

    @Test
    void anOversizedHeadIsRefusedWith431() throws Exception {
        Reply r = exchange(f.port(), request("GET", "/livez", self, "X-Big: " + "a".repeat(20_000)));
        assertThat(r.status()).isEqualTo(431);
        assertThat(r.error()).contains("16384");
    }
    @Test
    void whenEverySlotIsTakenTheLongestStalledRequestGivesWay() throws Exception {
        HttpFront.Limits four = new HttpFront.Limits(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(5),
                16 * 1024, 64 * 1024, 4);
        Set<Long> before = LiveThreads.idsOf("gatehouse-admin");
        try (AdminServer small = new AdminServer(f.host, "127.0.0.1", 0, Optional.empty(), four)) {
            List<RawHttp> stalled = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RawHttp c = new RawHttp(small.port(), Duration.ofSeconds(10)).send("GET /livez HTTP/1.1\r\n");
                open.add(c);
                stalled.add(c);
                if (i == 0) {
                    // answered after the first was accepted: the first is strictly the oldest
                    assertThat(exchange(small.port(), request("GET", "/livez", self)).status()).isEqualTo(200);
                }
            }
            Reply r = exchange(small.port(), request("GET", "/livez", self));
            assertThat(r.status()).isEqualTo(200);
            assertThat(stalled.get(0).closedByServer()).as("the oldest stalled request was dropped").isTrue();
        }
        await("close ends the server's threads").atMost(Duration.ofSeconds(5))
                .until(() -> LiveThreads.namedSince(before, "gatehouse-admin").isEmpty());
    }

    @Test
    void aCommandNotAnsweredInTimeGets503() throws Exception {
        HttpFront.Limits quick = new HttpFront.Limits(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5),
                16 * 1024, 64 * 1024, 64);
        f.server.latest("beta").send("HANG_CLOSE");
        f.server.event("beta", "sync-2", "C1", "after the hang order");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.server.unacked("beta") == 0);
        try (AdminServer small = new AdminServer(f.host, "127.0.0.1", 0, Optional.empty(), quick)) {
            Reply r = exchange(small.port(), request("POST", "/connections/beta/loopback/disable", self, "Content-Length: 0"));
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.error()).contains("no answer within 500 ms").contains("GET /status");
        }
    }
}
