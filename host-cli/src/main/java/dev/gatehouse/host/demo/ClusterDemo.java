package dev.gatehouse.host.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.host.cluster.zookeeper.EmbeddedZooKeeper;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.discord.SimChannel;
import dev.gatehouse.sim.discord.SimUser;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gatehouse demo --hosts N}: an embedded ZooKeeper server (the real server classes), the
 * simulators, and N hosts in cluster mode, each in its own JVM. Every {@code killEvery} one host is
 * killed with SIGKILL and started again a little later; the live table shows the owners moving.
 */
public final class ClusterDemo implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterDemo.class);
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static final List<String> SLACK = List.of("acme", "globex", "initech", "umbrella");
    private static final List<String> DISCORD = List.of("gamers", "chess");

    /** What the cluster demo needs from the command line. */
    public record Options(Path pluginsDir, Path workDir, int hosts, Duration killEvery, Duration restartAfter,
            List<String> launcher, boolean ansi) {
    }

    private final Options options;
    private final PrintStream out;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, DaemonThreads.factory("cluster-demo"));
    private final Instant started = Instant.now();
    private final Map<String, SimSlackApp> apps = new LinkedHashMap<>();
    private final Map<String, SimBot> bots = new LinkedHashMap<>();
    private final Map<String, HostJvm> hosts = new LinkedHashMap<>();
    /** Host id → when it was killed, while it is down. */
    private final Map<String, Instant> down = new ConcurrentHashMap<>();
    private final ClusterTable.Moves moves = new ClusterTable.Moves();
    private EmbeddedZooKeeper zookeeper;
    private SlackSimulator slack;
    private DiscordSimulator discord;
    private volatile String lastKill;
    private volatile Map<String, JsonNode> latest = Map.of();
    private volatile List<ClusterTable.Row> latestRows = List.of();

    public ClusterDemo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Starts ZooKeeper, the simulators and every host; returns once every host's admin API listens. */
    public void start() throws Exception {
        zookeeper = EmbeddedZooKeeper.start(options.workDir().resolve("zookeeper"), 60_000);
        slack = SlackSimulator.builder().ackTimeout(Duration.ofSeconds(3)).start();
        discord = DiscordSimulator.builder().heartbeatInterval(Duration.ofSeconds(2)).start();
        SLACK.forEach(w -> apps.put(w, slack.registerApp()));
        DISCORD.forEach(w -> bots.put(w, discord.registerBot("demo-" + w + "-token-" + Long.toHexString(System.nanoTime()), w + "-bot")));
        for (int i = 1; i <= options.hosts(); i++) {
            String id = "host-" + i;
            HostJvm h = new HostJvm(id, options.workDir().resolve(id), options.launcher());
            hosts.put(id, h);
            h.launch(config(id)); // side by side: the JVMs start in parallel
        }
        for (HostJvm h : hosts.values()) {
            h.awaitAdmin(Duration.ofSeconds(90));
            out.println("cluster demo: " + h.id() + " started (pid " + h.pid() + ", admin API " + h.adminUrl() + ")");
        }
        SimUser alice = discord.createUser("alice");
        SimChannel general = discord.defaultGuild().textChannels().get(0);
        AtomicInteger n = new AtomicInteger();
        timer.scheduleAtFixedRate(() -> Demo.quietly(() -> {
            int i = n.incrementAndGet();
            apps.forEach((w, app) -> {
                if (!slack.openConnections(app).isEmpty()) {
                    slack.pushMessage(app, "C0GENERAL", "U0ALICE", "hello " + w + " #" + i);
                }
            });
            bots.values().forEach(b -> b.guildMessage(general, alice, "hello discord #" + i));
        }), 2, 2, TimeUnit.SECONDS);
        List<String> ids = List.copyOf(hosts.keySet());
        AtomicInteger next = new AtomicInteger();
        long every = options.killEvery().toMillis();
        timer.scheduleAtFixedRate(() -> Demo.quietly(() -> kill(ids.get(next.getAndIncrement() % ids.size()))), every, every,
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::poll, 0, 250, TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(this::draw, 500, options.ansi() ? 1000 : 5000, TimeUnit.MILLISECONDS);
    }

    private void kill(String id) {
        HostJvm h = hosts.get(id);
        if (!h.alive()) {
            return;
        }
        Instant at = Instant.now();
        try {
            h.kill9();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        down.put(id, at);
        moves.killed(id, at);
        lastKill = id + " killed (SIGKILL) at " + at;
        log.info("cluster demo: {}", lastKill);
        if (!options.ansi()) {
            out.println("cluster demo: " + lastKill + "; restarting it in " + options.restartAfter().toSeconds() + " s");
        }
        timer.schedule(() -> Demo.quietly(() -> {
            try {
                h.start(config(id), Duration.ofSeconds(90));
                down.remove(id);
                if (!options.ansi()) {
                    out.println("cluster demo: " + id + " started again (pid " + h.pid() + ")");
                }
            } catch (Exception e) {
                log.warn("cluster demo: {} did not start again: {}", id, e.toString());
            }
        }), options.restartAfter().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every host's view, polled now: host id → its {@code /status} (null when down or not answering). */
    Map<String, JsonNode> statuses() {
        Map<String, JsonNode> all = new LinkedHashMap<>();
        hosts.forEach((id, h) -> all.put(id, h.alive() ? h.status() : null));
        return all;
    }

    /** Every host's view, often enough to time the moves. */
    private void poll() {
        Demo.quietly(() -> {
            Map<String, JsonNode> s = statuses();
            List<ClusterTable.Row> rows = ClusterTable.rows(s);
            moves.observe(rows, Instant.now());
            latest = s;
            latestRows = rows;
        });
    }

    private void draw() {
        Demo.quietly(() -> {
            Map<String, JsonNode> s = latest;
            List<ClusterTable.Row> rows = latestRows;
            Map<String, Long> acked = new LinkedHashMap<>();
            apps.forEach((w, app) -> acked.put("slack/" + w, slack.stats(app).acks()));
            Map<String, String> admin = new LinkedHashMap<>();
            hosts.forEach((id, h) -> admin.put(id, h.adminUrl() == null ? "-" : h.adminUrl()));
            DemoTable.print(out, ClusterTable.render(s, admin, rows, down, acked, moves, zookeeper.connectString(), lastKill,
                    options.killEvery(), options.restartAfter(), Duration.between(started, Instant.now())), options.ansi());
        });
    }

    private String config(String id) {
        return "# Written by `gatehouse demo --hosts`: one host of the demo cluster.\n" + SimWorkspaces.hostYaml(
                options.pluginsDir(), zookeeper.connectString(), "demo", id, SESSION_TIMEOUT,
                SimWorkspaces.yaml(slack, apps, discord, bots));
    }

    /** Stops every host with SIGTERM (they close their connections and leave the cluster), then the rest. */
    @Override
    public void close() {
        timer.shutdownNow();
        List<Thread> stops = new ArrayList<>();
        hosts.values().forEach(h -> {
            Thread t = new Thread(() -> {
                try {
                    h.terminate(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop-" + h.id());
            t.start();
            stops.add(t);
        });
        for (Thread t : stops) {
            try {
                t.join(40_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (discord != null) {
            discord.close();
        }
        if (slack != null) {
            slack.close();
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
    }
}
