package dev.gatehouse.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.host.demo.HostJvm;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.discord.SimChannel;
import dev.gatehouse.sim.discord.SimUser;
import dev.gatehouse.sim.slack.AckRecord;
import dev.gatehouse.sim.slack.SimSlackApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode as operators run it: three host JVMs of the packaged {@code gatehouse.jar} with the real
 * Slack and Discord plugins, one embedded ZooKeeper server, the simulators. A sampler watches the
 * simulators every 20 ms for the whole test: no connection may ever have two live sockets.
 */
class ClusterProcessesTest {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterProcessesTest.class);
    static final Duration SESSION = Duration.ofSeconds(6);
    static final List<String> HOSTS = List.of("h1", "h2", "h3");

    @TempDir
    Path dir;
    TestCluster cluster;
    final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    /** Per connection, the most live sockets the simulators saw at one sample. */
    final Map<String, Integer> maxLive = new ConcurrentHashMap<>();

    @BeforeEach
    void startThreeHosts() throws Exception {
        cluster = new TestCluster(dir, Path.of(System.getProperty("gatehouse.dist")), SESSION, 4, 2);
        cluster.startAll(HOSTS);
        sampler.scheduleAtFixedRate(() -> cluster.liveSockets().forEach((c, n) -> maxLive.merge(c, n, Math::max)),
                0, 20, TimeUnit.MILLISECONDS);
        awaitBalanced(HOSTS, Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() throws Exception {
        sampler.shutdownNow();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * kill -9 of the host that runs a Discord bot: every connection it ran is CONNECTED on another host within
     * sessionTimeout + 5 s, and what was posted to the bot while no host had a session is backfilled by its new
     * owner, from the ledger its previous owner kept in ZooKeeper (Discord does not redeliver): exactly those.
     */
    @Test
    void aKilledHostsConnectionsComeUpElsewhereWithinSessionTimeoutPlusFiveSecondsAndItsDiscordGapIsBackfilled()
            throws Exception {
        Map<String, String> before = cluster.owners();
        String bot = before.keySet().stream().filter(c -> c.startsWith("discord/")).findFirst().orElseThrow();
        String workspace = bot.substring("discord/".length());
        String victim = before.get(bot);
        List<String> victims = ownedBy(before, victim);
        assertThat(victims).hasSize(2);
        SimBot simBot = cluster.discordBots.get(workspace);
        SimChannel general = cluster.discord.defaultGuild().defaultChannel();
        SimUser alice = cluster.discord.createUser("alice");
        for (int i = 1; i <= 3; i++) {
            simBot.guildMessage(general, alice, "before " + i);
        }
        await("the owner handled the first messages").atMost(Duration.ofSeconds(20))
                .until(() -> inbound(cluster.hosts.get(victim), workspace) >= 3);
        Thread.sleep(2500); // the ledger is written about once a second

        long killed = System.nanoTime();
        cluster.hosts.get(victim).kill9();
        // posted while the bot's only session belongs to a dead process: kept for a RESUME nobody sends
        for (int i = 1; i <= 5; i++) {
            simBot.guildMessage(general, alice, "in the gap " + i);
        }
        Duration bound = SESSION.plusSeconds(5);
        await(victim + "'s connections CONNECTED on another host").atMost(bound).pollInterval(Duration.ofMillis(50)).until(() -> {
            Map<String, String> now = cluster.owners();
            return now != null && victims.stream().noneMatch(c -> victim.equals(now.get(c)));
        });
        long takeoverMillis = (System.nanoTime() - killed) / 1_000_000;
        Map<String, String> after = cluster.owners();
        // The survivors keep what they had and share the rest: 3 each.
        List<String> survivors = HOSTS.stream().filter(h -> !h.equals(victim)).toList();
        before.forEach((c, h) -> {
            if (!h.equals(victim)) {
                assertThat(after).containsEntry(c, h);
            }
        });
        survivors.forEach(h -> assertThat(ownedBy(after, h)).hasSize(3));

        HostJvm next = cluster.hosts.get(after.get(bot));
        // exactly the five of the gap, and none of the three its previous owner handled
        await("the gap backfilled").atMost(Duration.ofSeconds(20)).until(() -> inbound(next, workspace) >= 5);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> inbound(next, workspace) == 5);
        assertNeverTwoLiveSockets();
        LOG.info("FIGURE kill -9 takeover: {} ms (session timeout {} ms), {} connections moved; Discord gap: 5 of 5 backfilled",
                takeoverMillis, SESSION.toMillis(), victims.size());
    }

    /**
     * A host whose ZooKeeper traffic is black-holed closes its connections before any other host opens them,
     * takes its share back after the heal; then an operator moves a connection with the command line.
     */
    @Test
    void aHostCutOffFromZooKeeperClosesItsConnectionsBeforeAnyOtherHostOpensThemAndAMoveByHandStays() throws Exception {
        Map<String, String> before = cluster.owners();
        List<String> cutOff = ownedBy(before, "h1");
        HostJvm h1 = cluster.hosts.get("h1");

        cluster.zookeeperLinks.get("h1").blackHole(true);
        await("h1's connections moved").atMost(SESSION.plusSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, String> now = cluster.owners();
            return now != null && cutOff.stream().allMatch(c -> now.get(c) != null && !now.get(c).equals("h1"));
        });
        JsonNode s = h1.status();
        assertThat(s.at("/cluster/fenced").asText()).isNotBlank();
        assertThat(s.at("/cluster/zookeeper").asText()).isIn("SUSPENDED", "LOST");
        assertThat(s.get("connections").findValuesAsText("state")).doesNotContain("CONNECTED");
        assertNeverTwoLiveSockets();

        // Back in touch: h1 rejoins with a new session and takes its share again, still one socket each.
        cluster.zookeeperLinks.get("h1").blackHole(false);
        awaitBalanced(HOSTS, SESSION.plusSeconds(30));
        assertNeverTwoLiveSockets();

        // gatehouse cluster move, asked of h1, for a Slack connection h3 does not run
        Map<String, String> owners = cluster.owners();
        String moving = owners.entrySet().stream().filter(e -> e.getKey().startsWith("slack/") && !e.getValue().equals("h3"))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        String workspace = moving.substring("slack/".length());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process move = new ProcessBuilder(java, "-jar", Path.of(System.getProperty("gatehouse.dist"), "gatehouse.jar").toString(),
                "cluster", "move", workspace, "slack", "h3", "--admin", h1.adminUrl()).redirectErrorStream(true).start();
        String said = new String(move.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(move.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(move.exitValue()).as(said).isZero();
        assertThat(said).contains("move slack/" + workspace + " to h3: MOVING");
        await("moved to h3").atMost(Duration.ofSeconds(30)).until(() -> {
            Map<String, String> now = cluster.owners();
            return now != null && "h3".equals(now.get(moving));
        });
        awaitBalanced(HOSTS, Duration.ofSeconds(30));
        assertThat(cluster.owners()).containsEntry(moving, "h3");
        for (JsonNode c : cluster.hosts.get("h2").status().get("connections")) {
            if (c.get("workspace").asText().equals(workspace)) {
                assertThat(c.get("pinnedTo").asText()).isEqualTo("h3");
            }
        }
        assertNeverTwoLiveSockets();
    }

    /** Inbound events a host handled for one Discord workspace ({@code gatehouse_events_total}). */
    private static long inbound(HostJvm h, String workspace) {
        long n = 0;
        for (String line : h.metrics().split("\n")) {
            if (line.startsWith("gatehouse_events_total{") && line.contains("direction=\"inbound\"")
                    && line.contains("platform=\"discord\"") && line.contains("workspace=\"" + workspace + "\"")) {
                n += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }

    @Test
    void aRollingRestartOfEveryHostUnderTrafficLosesNoSlackEvent() throws Exception {
        Traffic traffic = new Traffic();
        Thread pusher = new Thread(traffic, "slack-traffic");
        pusher.start();
        try {
            for (String h : HOSTS) {
                int exit = cluster.hosts.get(h).terminate(Duration.ofSeconds(60));
                assertThat(exit).as("%s's exit code after SIGTERM", h).isZero();
                cluster.start(h);
                awaitBalanced(HOSTS, Duration.ofSeconds(60));
            }
        } finally {
            traffic.stop = true;
            pusher.join(30_000);
        }
        assertThat(traffic.failures).isEmpty();
        // Every event Slack accepted is handled (acknowledged after the handler ran) by some host in the end:
        // the ones written to a closing host's socket come back to the new owner as redeliveries.
        await("every pushed event acknowledged").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (Map.Entry<SimSlackApp, List<String>> e : traffic.pushed.entrySet()) {
                Set<String> acked = cluster.slack.acks(e.getKey()).stream().map(AckRecord::eventId).collect(Collectors.toSet());
                assertThat(acked).containsAll(e.getValue());
            }
        });
        long events = traffic.pushed.values().stream().mapToLong(List::size).sum();
        long redeliveries = 0;
        for (SimSlackApp app : cluster.slackApps.values()) {
            assertThat(cluster.slack.stats(app).eventsAbandoned()).isZero();
            redeliveries += cluster.slack.stats(app).redeliveries();
        }
        assertNeverTwoLiveSockets();
        LOG.info("FIGURE rolling restart of 3 hosts: {} Slack events, 0 lost, {} redelivered, {} pushes waited for an"
                + " open socket", events, redeliveries, traffic.waited);
    }

    /** Pushes a message to every Slack workspace every 100 ms; a push that finds no open socket waits and tries again, as Slack does. */
    final class Traffic implements Runnable {
        final Map<SimSlackApp, List<String>> pushed = new ConcurrentHashMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        volatile boolean stop;
        volatile long waited;

        @Override
        public void run() {
            int i = 0;
            while (!stop) {
                i++;
                for (SimSlackApp app : cluster.slackApps.values()) {
                    push(app, "message " + i);
                }
                sleep(100);
            }
        }

        private void push(SimSlackApp app, String text) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try {
                    String eventId = cluster.slack.pushMessage(app, "C0GENERAL", "U0ALICE", text).eventId();
                    pushed.computeIfAbsent(app, a -> new CopyOnWriteArrayList<>()).add(eventId);
                    return;
                } catch (IllegalStateException noOpenSocket) {
                    waited++;
                    sleep(50);
                }
            }
            failures.add(app.appId() + ": no open socket for 30 s to push '" + text + "'");
        }

        private void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop = true;
            }
        }
    }

    private void awaitBalanced(List<String> hosts, Duration bound) {
        int total = cluster.connections().size();
        await("every connection CONNECTED on exactly one of " + hosts + ", shares within 1").atMost(bound)
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    Map<String, String> owners = cluster.owners();
                    if (owners == null) {
                        return false;
                    }
                    Map<String, Long> shares = new TreeMap<>();
                    hosts.forEach(h -> shares.put(h, 0L));
                    owners.values().forEach(h -> shares.merge(h, 1L, Long::sum));
                    long max = shares.values().stream().mapToLong(Long::longValue).max().orElse(0);
                    long min = shares.values().stream().mapToLong(Long::longValue).min().orElse(0);
                    return owners.size() == total && shares.size() == hosts.size() && max - min <= 1;
                });
    }

    private void assertNeverTwoLiveSockets() {
        Map<String, Integer> over = new TreeMap<>();
        maxLive.forEach((c, n) -> {
            if (n > 1) {
                over.put(c, n);
            }
        });
        assertThat(over).as("connections the simulators saw with more than one live socket at once").isEmpty();
    }

    private static List<String> ownedBy(Map<String, String> owners, String host) {
        List<String> mine = new ArrayList<>();
        owners.forEach((c, h) -> {
            if (h.equals(host)) {
                mine.add(c);
            }
        });
        return mine;
    }
}
