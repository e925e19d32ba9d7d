package dev.gatehouse.host.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.Gateway;
import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.config.PlatformSettings;
import dev.gatehouse.host.events.EventDispatcher;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.outbound.OutboundRouter;
import dev.gatehouse.host.plugins.GatewayBindings;
import dev.gatehouse.host.plugins.PluginRuntime.GatewayBinding;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.SupervisorListener;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.host.testing.SilentConnection;
import dev.gatehouse.host.time.ExecutorScheduler;
import dev.gatehouse.host.time.Ticker;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operators, configuration reloads and plugin swaps hitting the registry and its supervisors at once,
 * from several threads, against a gateway whose opens connect early, late or not at all and whose
 * sockets drop: at no instant more than two live sockets for one connection (two only while an
 * operator's reconnect or new settings hand a connected connection over, make before break), one once
 * things settle, no deadlock, and every connection left enabled ends CONNECTED.
 */
class ConnectionRegistryStressTest {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRegistryStressTest.class);
    private static final int OPERATIONS = 10_000;
    private static final int THREADS = 4;
    private static final List<String> WORKSPACES = List.of("w0", "w1", "w2", "w3", "w4");

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory("stress-timer"));
    private final ExecutorService supervision = Executors.newFixedThreadPool(2, DaemonThreads.factory("stress-supervision"));
    private final ExecutorService blocking = DaemonThreads.shortLivedPool("stress-blocking", Duration.ofSeconds(1));
    private final ExecutorService pool = Executors.newFixedThreadPool(2, DaemonThreads.factory("stress-pool"));
    private final ExecutorService plugin = Executors.newFixedThreadPool(2, DaemonThreads.factory("stress-plugin-io"));
    private final Sockets sockets = new Sockets();
    private final AtomicReference<StressGateway> current = new AtomicReference<>(new StressGateway(1));

    @AfterEach
    void stop() {
        timer.shutdownNow();
        supervision.shutdownNow();
        blocking.shutdownNow();
        pool.shutdownNow();
        plugin.shutdownNow();
    }

    /** Live sockets per workspace as the platform would count them: from open's start to close's end. */
    static final class Sockets {
        final Map<String, AtomicInteger> live = new ConcurrentHashMap<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final AtomicLong opens = new AtomicLong();
        final AtomicLong overlaps = new AtomicLong();

        void opening(String ws) {
            opens.incrementAndGet();
            int n = live.computeIfAbsent(ws, k -> new AtomicInteger()).incrementAndGet();
            if (n > 2) {
                violations.add(ws + ": " + n + " live sockets at once");
            } else if (n == 2) {
                overlaps.incrementAndGet();
            }
        }

        void closed(String ws) {
            live.get(ws).decrementAndGet();
        }
    }

    /** A gateway with random behaviour; each swap installs a new instance ("version"). */
    final class StressGateway implements Gateway {
        final int version;
        final Random random;

        StressGateway(int version) {
            this.version = version;
            this.random = new Random(version);
        }

        @Override
        public String platform() {
            return "stress";
        }

        @Override
        public URI probeUri(GatewaySettings settings) {
            return null;
        }

        @Override
        public GatewayConnection open(GatewayContext ctx) throws Exception {
            String ws = ctx.workspace();
            sockets.opening(ws);
            int roll;
            synchronized (random) {
                roll = random.nextInt(10);
            }
            if (roll == 0) {
                sockets.closed(ws);
                throw new java.io.IOException("connection refused (version " + version + ")");
            }
            if (roll < 5) {
                ctx.health().markConnected(false);
            } else {
                plugin.execute(() -> ctx.health().markConnected(false));
            }
            if (roll == 9) {
                plugin.execute(() -> ctx.health().markDisconnected("socket dropped"));
            }
            return new SilentConnection() {
                private final AtomicInteger closes = new AtomicInteger();

                @Override
                public void close() {
                    if (closes.getAndIncrement() == 0) {
                        sockets.closed(ws);
                    }
                }
            };
        }
    }

    private ConnectionRegistry registry() {
        Ticker ticker = System::nanoTime;
        HealthPolicy d = HealthPolicy.defaults();
        HealthPolicy policy = new HealthPolicy(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(300),
                1_000_000, Duration.ofMillis(5), Duration.ofMillis(40), Duration.ofSeconds(2), Duration.ofSeconds(2),
                d.outageReportAfter(), Duration.ofSeconds(1), false, d.flapWindow(), d.flapDownRatio(), false,
                d.stormMaxDisconnects(), d.stormWindow());
        GatewayBindings bindings = new GatewayBindings() {
            @Override
            public Optional<GatewayBinding> gateway(String platform) {
                StressGateway g = current.get();
                return Optional.of(new GatewayBinding("stress", "1." + g.version, "stress", g, getClass().getClassLoader()));
            }

            @Override
            public List<String> platforms() {
                return List.of("stress");
            }
        };
        ExecutorScheduler scheduler = new ExecutorScheduler(timer);
        return new ConnectionRegistry(new ConnectionRegistry.Deps(scheduler, supervision, blocking, ticker,
                Clock.systemUTC(), () -> 0.5, new RecordingExit(), new SupervisorListener() { },
                new EventDispatcher(pool, ticker, Duration.ofMinutes(1), 1000),
                uri -> java.util.concurrent.CompletableFuture.completedFuture(true),
                new OutboundRouter(pool, scheduler, 100, Duration.ofSeconds(5)), bindings), policy);
    }

    private static PlatformSettings settings(String ws, int generation) {
        return new PlatformSettings(ws, "stress", true, Map.of("generation", generation));
    }

    @Test
    void tenThousandConcurrentOperationsNeverOpenThreeSocketsNorDeadlockNorLeaveAnEnabledConnectionStopped()
            throws Exception {
        ConnectionRegistry registry = registry();
        WORKSPACES.forEach(ws -> assertThat(registry.add(settings(ws, 0))).isEmpty());
        AtomicInteger done = new AtomicInteger();
        AtomicInteger swaps = new AtomicInteger();
        long seed = System.nanoTime();
        ExecutorService operators = Executors.newFixedThreadPool(THREADS, DaemonThreads.factory("stress-operator"));
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Random random = new Random(seed + t);
            runs.add(operators.submit(() -> {
                for (int i = 0; i < OPERATIONS / THREADS; i++) {
                    operate(registry, random, swaps);
                    done.incrementAndGet();
                }
            }));
        }
        try {
            for (Future<?> run : runs) {
                run.get(5, TimeUnit.MINUTES); // a deadlock would stop an operator thread here
            }
        } finally {
            operators.shutdownNow();
        }

        WORKSPACES.forEach(ws -> {
            ConnectionKey key = new ConnectionKey(ws, "stress");
            if (registry.get(key).isEmpty()) {
                registry.add(settings(ws, 99));
            }
            registry.enable(key);
        });
        await("every enabled connection connected (seed " + seed + ")").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(registry.all())
                        .allSatisfy(e -> assertThat(e.supervisor().status().state()).as(e.key().toString())
                                .isEqualTo(ConnectionState.CONNECTED)));
        LOG.info("FIGURE stress: {} operations, {} opens ({} beside a live one), {} swaps, seed {}", done.get(),
                sockets.opens.get(), sockets.overlaps.get(), swaps.get(), seed);
        assertThat(done.get()).isEqualTo(OPERATIONS);
        assertThat(sockets.violations).as("seed " + seed).isEmpty();
        await("one live socket per connection once the handovers ended (seed " + seed + ")").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> WORKSPACES.forEach(ws -> assertThat(sockets.live.get(ws).get()).as(ws).isEqualTo(1)));
        assertThat(sockets.opens.get()).as("the operations really reopened connections").isGreaterThan(4L * WORKSPACES.size());
        assertThat(swaps.get()).isPositive();
    }

    private void operate(ConnectionRegistry registry, Random random, AtomicInteger swaps) {
        String ws = WORKSPACES.get(random.nextInt(WORKSPACES.size()));
        ConnectionKey key = new ConnectionKey(ws, "stress");
        switch (random.nextInt(7)) {
            case 0 -> registry.enable(key);
            case 1 -> registry.disable(key, "operator");
            case 2 -> registry.get(key).ifPresent(e -> e.supervisor().reconnect());
            case 3 -> registry.replaceSettings(settings(ws, random.nextInt(1000)));
            case 4 -> registry.remove(key);
            case 5 -> registry.add(settings(ws, random.nextInt(1000)));
            default -> {
                if (random.nextInt(20) == 0) {
                    List<ConnectionKey> keys = registry.keysOf("stress");
                    registry.suspend(keys, "plugin swap").thenRun(() -> {
                        current.set(new StressGateway(swaps.incrementAndGet() + 1));
                        registry.resumeAfterSwap(keys, false);
                    });
                } else {
                    registry.enable(key);
                }
            }
        }
        if (random.nextInt(2) == 0) {
            try {
                Thread.sleep(1); // let the supervisors catch up now and then, so that opens really happen
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
