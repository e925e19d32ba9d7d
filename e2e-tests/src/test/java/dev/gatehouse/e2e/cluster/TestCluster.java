package dev.gatehouse.e2e.cluster;

import dev.gatehouse.host.cluster.zookeeper.EmbeddedZooKeeper;
import dev.gatehouse.host.demo.HostJvm;
import dev.gatehouse.host.demo.SimWorkspaces;
import dev.gatehouse.sim.SimThreads;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import dev.gatehouse.sim.net.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cluster of real host JVMs (the packaged {@code gatehouse.jar} with the real plugins) on one
 * embedded ZooKeeper server, against the Slack and Discord simulators in this JVM. Each host reaches
 * ZooKeeper through its own proxy, so a test can cut one host off.
 */
final class TestCluster implements AutoCloseable {

    final Duration sessionTimeout;
    final EmbeddedZooKeeper zookeeper;
    final SlackSimulator slack;
    final DiscordSimulator discord;
    /** Workspace id → its Slack app. */
    final Map<String, SimSlackApp> slackApps = new LinkedHashMap<>();
    /** Workspace id → its Discord bot. */
    final Map<String, SimBot> discordBots = new LinkedHashMap<>();
    final Map<String, HostJvm> hosts = new LinkedHashMap<>();
    /** Each host's way to ZooKeeper: a proxy a test can black-hole. */
    final Map<String, TcpProxy> zookeeperLinks = new LinkedHashMap<>();
    private final Path dir;
    private final Path dist;

    TestCluster(Path dir, Path dist, Duration sessionTimeout, int slackWorkspaces, int discordWorkspaces) {
        this.dir = dir;
        this.dist = dist;
        this.sessionTimeout = sessionTimeout;
        this.zookeeper = EmbeddedZooKeeper.start(dir.resolve("zookeeper"), 60_000);
        this.slack = SlackSimulator.builder().ackTimeout(Duration.ofSeconds(2)).maxRedeliveries(100).start();
        this.discord = DiscordSimulator.builder().heartbeatInterval(Duration.ofSeconds(2)).start();
        for (int i = 1; i <= slackWorkspaces; i++) {
            slackApps.put("slack-ws" + i, slack.registerApp());
        }
        for (int i = 1; i <= discordWorkspaces; i++) {
            discordBots.put("discord-ws" + i, discord.registerBot("cluster-bot-token-" + i + "-" + System.nanoTime(), "bot" + i));
        }
    }

    /** Every connection, as {@code platform/workspace}. */
    List<String> connections() {
        List<String> all = new ArrayList<>();
        slackApps.keySet().forEach(w -> all.add("slack/" + w));
        discordBots.keySet().forEach(w -> all.add("discord/" + w));
        return all;
    }

    /** Starts (or starts again) host {@code id}: {@code java -jar gatehouse.jar run}; returns once its admin API listens. */
    HostJvm start(String id) throws Exception {
        return launch(id).awaitAdmin(Duration.ofSeconds(60));
    }

    /** Starts these hosts side by side (their JVMs start in parallel); returns once every admin API listens. */
    void startAll(List<String> ids) throws Exception {
        List<HostJvm> launched = new ArrayList<>();
        for (String id : ids) {
            launched.add(launch(id));
        }
        for (HostJvm h : launched) {
            h.awaitAdmin(Duration.ofSeconds(60));
        }
    }

    private HostJvm launch(String id) throws Exception {
        HostJvm h = hosts.get(id);
        if (h == null) {
            h = new HostJvm(id, dir.resolve(id), HostJvm.launcherOf(dist.resolve("gatehouse.jar")));
            hosts.put(id, h);
            zookeeperLinks.put(id, new TcpProxy(zookeeper.port(), new SimThreads("zk-link-" + id + "-")));
        }
        return h.launch(config(id));
    }

    private String config(String id) {
        return SimWorkspaces.hostYaml(dist.resolve("plugins"), "127.0.0.1:" + zookeeperLinks.get(id).port(), "e2e", id,
                sessionTimeout, SimWorkspaces.yaml(slack, slackApps, discord, discordBots));
    }

    /** Connection → the one host it is CONNECTED on; null if any connection is not connected exactly once. */
    Map<String, String> owners() {
        Map<String, String> owners = HostJvm.soleOwners(hosts.values(), connections().size());
        return owners.isEmpty() ? null : owners;
    }

    /** Live sockets the simulators see now, by connection. */
    Map<String, Integer> liveSockets() {
        Map<String, Integer> live = new TreeMap<>();
        slackApps.forEach((w, app) -> live.put("slack/" + w, slack.openConnections(app).size()));
        discordBots.forEach((w, bot) -> live.put("discord/" + w, bot.stats().openSockets()));
        return live;
    }

    @Override
    public void close() {
        hosts.values().forEach(HostJvm::close);
        zookeeperLinks.values().forEach(TcpProxy::close);
        discord.close();
        slack.close();
        zookeeper.close();
    }
}
