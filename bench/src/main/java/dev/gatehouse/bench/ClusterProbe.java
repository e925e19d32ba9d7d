package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.host.cluster.zookeeper.EmbeddedZooKeeper;
import dev.gatehouse.host.demo.HostJvm;
import dev.gatehouse.host.demo.SimWorkspaces;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Section 6's measurements, in a fresh JVM on {@code dist/gatehouse.jar}'s class path: host JVMs in
 * cluster mode on an embedded ZooKeeper server, against the simulators in this JVM.
 *
 * <p>Takeover: per session timeout, three hosts share the connections; one host at a time is killed
 * (SIGKILL) and the time from the kill until each of its connections is CONNECTED on another host is
 * taken; then it starts again and the shares settle before the next kill. Balance: hosts join one by
 * one, then one leaves (SIGTERM) and one is killed; after each, the shares' spread and the moved
 * connections. Cost: one host with every connection, alone and in a cluster of one.
 *
 * <p>{@code ClusterProbe --dist D --work W --out F --timeouts 4s,10s --trials 5 --connections 24 --hosts 4 --idle-window 5s}
 */
public final class ClusterProbe {

    /** One kill: how long each of the killed host's connections took to be CONNECTED elsewhere. */
    public record Kill(long sessionTimeoutMs, String host, List<Long> takeoverMs) {
    }

    /** The cluster after a join, a leave or a kill: shares per host, their spread, connections moved, time to settle. */
    public record Step(String event, Map<String, Integer> shares, int spread, int moved, long settleMs) {
    }

    /** One host running every connection: threads, heap after GC, CPU while idle. */
    public record Footprint(String mode, int connections, int threads, double heapMiB, double idleCpuPercent, long connectMs) {
    }

    public record Figures(List<Kill> kills, List<Step> balance, List<Footprint> cost) {
    }

    private final Path dist;
    private final Path work;
    private final int connections;
    /** How long a host is left idle before and while its CPU is measured. */
    private final Duration idleWindow;
    private final SlackSimulator slack;
    private final DiscordSimulator discord;
    private final Map<String, SimSlackApp> apps = new LinkedHashMap<>();
    private final Map<String, SimBot> bots = new LinkedHashMap<>();

    private ClusterProbe(Path dist, Path work, int connections, Duration idleWindow) {
        this.dist = dist;
        this.work = work;
        this.connections = connections;
        this.idleWindow = idleWindow;
        this.slack = SlackSimulator.builder().ackTimeout(Duration.ofSeconds(3)).start();
        this.discord = DiscordSimulator.builder().heartbeatInterval(Duration.ofSeconds(2)).start();
        int discordCount = Math.max(1, connections / 4);
        for (int i = 1; i <= connections - discordCount; i++) {
            apps.put("slack-" + i, slack.registerApp());
        }
        for (int i = 1; i <= discordCount; i++) {
            bots.put("discord-" + i, discord.registerBot("bench-cluster-" + i + "-" + System.nanoTime(), "bench-bot-" + i));
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        List<Duration> timeouts = new ArrayList<>();
        for (String t : a.get("--timeouts").split(",")) {
            timeouts.add(Duration.ofMillis(dev.gatehouse.api.Durations.parse(t).toMillis()));
        }
        ClusterProbe probe = new ClusterProbe(Path.of(a.get("--dist")), Path.of(a.get("--work")),
                Integer.parseInt(a.get("--connections")), dev.gatehouse.api.Durations.parse(a.get("--idle-window")));
        Figures f;
        try {
            List<Kill> kills = new ArrayList<>();
            for (Duration t : timeouts) {
                kills.addAll(probe.takeover(t, Integer.parseInt(a.get("--trials"))));
            }
            List<Step> balance = probe.balance(timeouts.get(0), Integer.parseInt(a.get("--hosts")));
            List<Footprint> cost = probe.cost(timeouts.get(0));
            f = new Figures(kills, balance, cost);
        } finally {
            probe.discord.close();
            probe.slack.close();
        }
        Report.MAPPER.writeValue(Path.of(a.get("--out")).toFile(), f);
        System.exit(0);
    }

    private List<Kill> takeover(Duration session, int trials) throws Exception {
        List<Kill> kills = new ArrayList<>();
        Path dir = Files.createDirectories(work.resolve("takeover-" + session.toMillis()));
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir.resolve("zookeeper"), 60_000);
                Hosts hosts = new Hosts(dir, zk, session)) {
            for (String id : List.of("h1", "h2", "h3")) {
                hosts.launch(id); // side by side
            }
            for (HostJvm h : hosts.all()) {
                h.awaitAdmin(Duration.ofSeconds(90));
            }
            hosts.awaitSettled(Duration.ofSeconds(120));
            for (int i = 0; i < trials; i++) {
                String victim = "h" + (i % 3 + 1);
                Map<String, String> before = hosts.owners();
                List<String> its = new ArrayList<>();
                before.forEach((c, h) -> {
                    if (h.equals(victim)) {
                        its.add(c);
                    }
                });
                long killed = System.nanoTime();
                hosts.get(victim).kill9();
                Map<String, Long> up = new TreeMap<>();
                long deadline = killed + session.plusSeconds(30).toNanos();
                while (up.size() < its.size() && System.nanoTime() < deadline) {
                    Map<String, List<String>> on = HostJvm.connectedOn(hosts.all());
                    long now = System.nanoTime();
                    for (String c : its) {
                        List<String> where = on.getOrDefault(c, List.of());
                        if (!up.containsKey(c) && !where.isEmpty() && !where.contains(victim)) {
                            up.put(c, (now - killed) / 1_000_000);
                        }
                    }
                    Thread.sleep(25);
                }
                if (up.size() < its.size()) {
                    throw new IllegalStateException("after killing " + victim + ", not every connection came up elsewhere within "
                            + session.plusSeconds(30) + ": " + up.keySet() + " of " + its);
                }
                kills.add(new Kill(session.toMillis(), victim, List.copyOf(up.values())));
                hosts.start(victim);
                hosts.awaitSettled(Duration.ofSeconds(120));
            }
        }
        return kills;
    }

    /** Hosts h1..hN join one by one; then hN leaves (SIGTERM) and, with 3 or more, h2 is killed (SIGKILL). */
    private List<Step> balance(Duration session, int n) throws Exception {
        List<Step> steps = new ArrayList<>();
        Path dir = Files.createDirectories(work.resolve("balance"));
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir.resolve("zookeeper"), 60_000);
                Hosts hosts = new Hosts(dir, zk, session)) {
            Map<String, String> owners = Map.of();
            for (int i = 1; i <= n; i++) {
                long t = System.nanoTime();
                hosts.start("h" + i);
                owners = step(steps, "h" + i + " joins", hosts, owners, t);
            }
            long t = System.nanoTime();
            hosts.get("h" + n).terminate(Duration.ofSeconds(60));
            owners = step(steps, "h" + n + " leaves (SIGTERM)", hosts, owners, t);
            if (n >= 3) {
                t = System.nanoTime();
                hosts.get("h2").kill9();
                step(steps, "h2 killed (SIGKILL)", hosts, owners, t);
            }
        }
        return steps;
    }

    private Step record(String event, Map<String, String> before, Map<String, String> after, long startNanos, long settledNanos,
            Hosts hosts) {
        Map<String, Integer> shares = new TreeMap<>();
        hosts.live().forEach(h -> shares.put(h, 0));
        after.values().forEach(h -> shares.merge(h, 1, Integer::sum));
        int spread = shares.values().stream().mapToInt(Integer::intValue).max().orElse(0)
                - shares.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        int moved = 0;
        for (Map.Entry<String, String> e : after.entrySet()) {
            String was = before.get(e.getKey());
            if (was != null && !was.equals(e.getValue())) {
                moved++;
            }
        }
        return new Step(event, shares, spread, moved, (settledNanos - startNanos) / 1_000_000);
    }

    private Map<String, String> step(List<Step> steps, String event, Hosts hosts, Map<String, String> before, long t) throws Exception {
        long settled = hosts.awaitSettled(Duration.ofSeconds(120));
        Map<String, String> after = hosts.owners();
        steps.add(record(event, before, after, t, settled, hosts));
        return after;
    }

    private List<Footprint> cost(Duration session) throws Exception {
        List<Footprint> out = new ArrayList<>();
        Path dir = Files.createDirectories(work.resolve("cost"));
        for (boolean clustered : List.of(false, true)) {
            Path d = Files.createDirectories(dir.resolve(clustered ? "cluster" : "alone"));
            try (EmbeddedZooKeeper zk = clustered ? EmbeddedZooKeeper.start(d.resolve("zookeeper"), 60_000) : null;
                    Hosts hosts = new Hosts(d, zk, session)) {
                long t = System.nanoTime();
                HostJvm h = hosts.start("h1");
                long connectMs = (hosts.awaitSettled(Duration.ofSeconds(120)) - t) / 1_000_000;
                Thread.sleep(idleWindow.toMillis());
                out.add(measure(h, clustered ? "cluster of one (ZooKeeper)" : "alone", connectMs));
            }
        }
        return out;
    }

    /** Threads and heap after a full GC of the host's JVM (jcmd), CPU over the idle window. */
    private Footprint measure(HostJvm h, String mode, long connectMs) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process gc = new ProcessBuilder(jcmd, Long.toString(h.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gc.waitFor(30, TimeUnit.SECONDS);
        String metrics = h.metrics();
        double heap = 0;
        int threads = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("jvm_threads_live_threads ")) {
                threads = (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        ProcessHandle p = ProcessHandle.of(h.pid()).orElseThrow();
        long cpu0 = p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        long t0 = System.nanoTime();
        Thread.sleep(idleWindow.toMillis());
        long cpu1 = p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        double cpu = 100.0 * (cpu1 - cpu0) / (System.nanoTime() - t0);
        return new Footprint(mode, connections, threads, heap / (1024 * 1024), cpu, connectMs);
    }

    /** The host JVMs of one measurement, with their configurations. */
    private final class Hosts implements AutoCloseable {
        private final Path dir;
        private final EmbeddedZooKeeper zk;
        private final Duration session;
        private final Map<String, HostJvm> all = new LinkedHashMap<>();

        Hosts(Path dir, EmbeddedZooKeeper zk, Duration session) {
            this.dir = dir;
            this.zk = zk;
            this.session = session;
        }

        HostJvm start(String id) throws Exception {
            return launch(id).awaitAdmin(Duration.ofSeconds(90));
        }

        HostJvm launch(String id) throws Exception {
            HostJvm h = all.get(id);
            if (h == null) {
                h = new HostJvm(id, dir.resolve(id), HostJvm.launcherOf(dist.resolve("gatehouse.jar")));
                all.put(id, h);
            }
            return h.launch(SimWorkspaces.hostYaml(dist.resolve("plugins"), zk == null ? null : zk.connectString(), "bench", id,
                    session, SimWorkspaces.yaml(slack, apps, discord, bots)));
        }

        HostJvm get(String id) {
            return all.get(id);
        }

        List<HostJvm> all() {
            return List.copyOf(all.values());
        }

        List<String> live() {
            return all.values().stream().filter(HostJvm::alive).map(HostJvm::id).toList();
        }

        /** Connection → its one host; empty unless every connection is CONNECTED on exactly one host. */
        Map<String, String> owners() {
            return HostJvm.soleOwners(all.values(), connections);
        }

        /** Every connection CONNECTED on exactly one live host, shares within 1, and no change for 2 s; returns when the last change was seen. */
        long awaitSettled(Duration bound) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            Map<String, String> last = Map.of();
            long stableSince = System.nanoTime();
            BooleanSupplier balanced = () -> {
                Map<String, String> o = owners();
                if (o.isEmpty()) {
                    return false;
                }
                Map<String, Integer> shares = new TreeMap<>();
                live().forEach(h -> shares.put(h, 0));
                o.values().forEach(h -> shares.merge(h, 1, Integer::sum));
                return shares.values().stream().mapToInt(Integer::intValue).max().orElse(0)
                        - shares.values().stream().mapToInt(Integer::intValue).min().orElse(0) <= 1;
            };
            while (System.nanoTime() < deadline) {
                Map<String, String> now = owners();
                if (!now.equals(last)) {
                    last = now;
                    stableSince = System.nanoTime();
                } else if (!now.isEmpty() && System.nanoTime() - stableSince > 2_000_000_000L && balanced.getAsBoolean()) {
                    return stableSince;
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("the cluster did not settle within " + bound + " (owners: " + last + ")");
        }

        @Override
        public void close() throws InterruptedException {
            for (HostJvm h : all.values()) {
                h.terminate(Duration.ofSeconds(30));
            }
        }
    }
}
