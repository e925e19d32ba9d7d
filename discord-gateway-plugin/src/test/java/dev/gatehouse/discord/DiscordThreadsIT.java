package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimBot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What a Discord connection costs in threads: a host with a few bots connected, grown by a
 * configuration change to many more, every thread of the JVM counted once the count held still before
 * and after (the simulator's excepted). Whatever the plugin and host share is created by the first
 * bots and cancels out; the growth divided by the bots added is the per-connection cost, whatever the
 * threads are called. The failure message lists the growth by name pattern.
 */
class DiscordThreadsIT extends SimulatorIT {

    /** More than any fixed pool the first connections could still be filling. */
    private static final int FIRST = 5;
    private static final int ADDED = 20;
    /** The issue's bound: nv-websocket's reader and writer, and one to spare. */
    private static final double MAX_PER_CONNECTION = 3.0;
    /** Held still this long: idle pool threads (2 s keep-alive) have ended. */
    private static final Duration QUIET = Duration.ofMillis(3000);

    @Test
    void eachBotCostsAtMostThreeThreads() throws Exception {
        List<SimBot> bots = IntStream.range(0, FIRST + ADDED)
                .mapToObj(i -> sim.registerBot("token-" + UUID.randomUUID(), "threads-bot-" + i)).toList();
        Files.createDirectories(dir.resolve("plugins"));
        Files.copy(DiscordHost.pluginJar(), dir.resolve("plugins").resolve("discord-gateway-plugin.jar"));
        GatewayHost host = GatewayHost.builder().config(config(bots.subList(0, FIRST))).processExit(new RecordingExit())
                .build();
        try {
            host.start();
            awaitConnected(host, FIRST);
            Map<String, Integer> before = quietCensus();

            assertThat(host.applyConfig(config(bots))).hasSize(ADDED);
            awaitConnected(host, FIRST + ADDED);
            Map<String, Integer> after = quietCensus();

            int growth = total(after) - total(before);
            double perConnection = growth / (double) ADDED;
            Figures.measured("threads", String.format("%d bots added: %d threads more, %.2f per connection; by pattern %s",
                    ADDED, growth, perConnection, growthByPattern(before, after)));
            assertThat(perConnection).as("threads per added connection; growth by name pattern: %s",
                    growthByPattern(before, after)).isLessThanOrEqualTo(MAX_PER_CONNECTION);
            assertThat(bots).allSatisfy(b -> assertThat(b.stats().maxOpenAtOnce()).isLessThanOrEqualTo(1));
        } finally {
            host.close();
        }
    }

    private GatehouseConfig config(List<SimBot> bots) throws Exception {
        StringBuilder y = new StringBuilder("plugins:\n  dir: plugins\nheartbeat:\n  file: run/alive\n  interval: 1s\n"
                + "admin:\n  enabled: false\nworkspaces:\n");
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < bots.size(); i++) {
            env.put("TOKEN_" + i, bots.get(i).token());
            y.append("  w").append(i).append(":\n    discord:\n      token: ${TOKEN_").append(i).append("}\n")
                    .append("      apiUrl: ").append(sim.restBaseUrl()).append('\n')
                    .append("      gatewayUrl: ").append(sim.gatewayUrl()).append('\n');
        }
        return new ConfigLoader(env::get).parse(y.toString(), "threads-it.yaml", dir);
    }

    private static void awaitConnected(GatewayHost host, int n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> host.status().connections()
                .stream().filter(c -> c.state() == ConnectionState.CONNECTED).count() == n);
    }

    /** Threads by name pattern (digit runs as {@code #}), once their number held still for {@link #QUIET}. */
    private static Map<String, Integer> quietCensus() {
        long[] stableSince = {System.nanoTime()};
        int[] last = {total(census())};
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            int now = total(census());
            if (now != last[0]) {
                last[0] = now;
                stableSince[0] = System.nanoTime();
            }
            return System.nanoTime() - stableSince[0] >= QUIET.toNanos();
        });
        return census();
    }

    private static Map<String, Integer> census() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> !n.startsWith(DiscordSimulator.THREAD_PREFIX))
                .collect(Collectors.toMap(n -> n.replaceAll("\\d+", "#"), n -> 1, Integer::sum, TreeMap::new));
    }

    private static int total(Map<String, Integer> census) {
        return census.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static Map<String, Integer> growthByPattern(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> growth = new TreeMap<>();
        after.forEach((k, v) -> growth.merge(k, v, Integer::sum));
        before.forEach((k, v) -> growth.merge(k, -v, Integer::sum));
        growth.values().removeIf(v -> v == 0);
        return growth;
    }
}
