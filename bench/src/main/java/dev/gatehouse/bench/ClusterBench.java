package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.api.Durations;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Section 6, cluster mode: takeover time after a host is killed against the session timeout, the
 * balance of shares after joins and leaves, and what cluster mode costs a host per connection. Measured
 * by {@link ClusterProbe} in a child JVM on {@code dist/gatehouse.jar}'s class path; every host is a JVM
 * of its own running that jar.
 */
final class ClusterBench {

    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(30);

    private final BenchOptions.Sizes sizes;
    private final Path work;
    private final Report report;

    ClusterBench(BenchOptions.Sizes sizes, Path work, Report report) {
        this.sizes = sizes;
        this.work = work;
        this.report = report;
    }

    void run() throws Exception {
        Path dir = Files.createDirectories(work.resolve("cluster"));
        Path hostJar = sizes.dist().resolve("gatehouse.jar");
        if (!Files.isRegularFile(hostJar)) {
            throw new IllegalStateException("no " + hostJar.toAbsolutePath() + "; build it with mvn -B -q package -DskipTests");
        }
        Path out = dir.resolve("cluster.json");
        Path log = report.logFile().resolveSibling(report.logFile().getFileName().toString().replace(".log", "-cluster.log"));
        String timeouts = sizes.clusterTimeouts().stream().map(Durations::format).collect(Collectors.joining(","));
        report.progress("cluster: " + sizes.clusterConnections() + " connections, host JVMs on an embedded ZooKeeper; session timeouts "
                + timeouts + ", " + sizes.clusterTrials() + " kills each");
        // By name: the probe's own dependencies are on the child's class path only.
        ChildJvm.run("dev.gatehouse.bench.ClusterProbe", ReloadBench.benchClasses(dir) + File.pathSeparator + hostJar.toAbsolutePath(), List.of(
                "--dist", sizes.dist().toAbsolutePath().toString(), "--work", dir.resolve("hosts").toString(), "--out", out.toString(),
                "--timeouts", timeouts, "--trials", Integer.toString(sizes.clusterTrials()),
                "--connections", Integer.toString(sizes.clusterConnections()), "--hosts", Integer.toString(sizes.clusterHosts()),
                "--idle-window", Durations.format(sizes.idleWindow())),
                log, CHILD_TIMEOUT);
        ClusterProbe.Figures f = Report.MAPPER.readValue(out.toFile(), ClusterProbe.Figures.class);
        takeover(f.kills());
        balance(f.balance());
        cost(f.cost());
    }

    private void takeover(List<ClusterProbe.Kill> kills) {
        Map<Long, List<Long>> byTimeout = new TreeMap<>();
        Map<Long, Integer> killsPer = new TreeMap<>();
        kills.forEach(k -> {
            byTimeout.computeIfAbsent(k.sessionTimeoutMs(), t -> new ArrayList<>()).addAll(k.takeoverMs());
            killsPer.merge(k.sessionTimeoutMs(), 1, Integer::sum);
        });
        List<List<String>> rows = new ArrayList<>();
        ArrayNode json = Report.MAPPER.createArrayNode();
        byTimeout.forEach((t, ms) -> {
            Stats s = Stats.of(ms);
            boolean within = s.max() <= t + 5000;
            rows.add(List.of(Durations.format(Duration.ofMillis(t)), killsPer.get(t) + " / " + ms.size(), s.format("ms"),
                    String.format(Locale.ROOT, "%.2f× / %.2f×", s.median() / t, s.p95() / t), within ? "yes" : "NO"));
            ObjectNode n = json.addObject();
            n.put("sessionTimeoutMs", t);
            n.put("kills", killsPer.get(t));
            n.set("takeoverMs", Figures.json(s));
            n.put("medianOverTimeout", s.median() / t);
            n.put("withinTimeoutPlus5s", within);
        });
        report.table("cluster", "6a. Cluster: kill -9 of a host → each of its connections CONNECTED on another host",
                List.of("session timeout", "kills / connections moved", "takeover min/med/p95/max", "median, p95 ÷ timeout",
                        "all ≤ timeout + 5 s"), rows, json);
    }

    private void balance(List<ClusterProbe.Step> steps) {
        List<List<String>> rows = new ArrayList<>();
        ArrayNode json = Report.MAPPER.createArrayNode();
        for (ClusterProbe.Step s : steps) {
            rows.add(List.of(s.event(), s.shares().toString(), Integer.toString(s.spread()), Integer.toString(s.moved()),
                    s.settleMs() + " ms"));
            json.add(Report.MAPPER.valueToTree(s));
        }
        report.table("clusterBalance", "6b. Cluster: shares after hosts join and leave (spread = max − min owned per host)",
                List.of("event", "owned per host", "spread", "connections moved", "settled after"), rows, json);
    }

    private void cost(List<ClusterProbe.Footprint> cost) {
        List<List<String>> rows = new ArrayList<>();
        ArrayNode json = Report.MAPPER.createArrayNode();
        for (ClusterProbe.Footprint c : cost) {
            rows.add(List.of(c.mode(), Integer.toString(c.connections()), Integer.toString(c.threads()),
                    String.format(Locale.ROOT, "%.1f MiB", c.heapMiB()), String.format(Locale.ROOT, "%.1f %%", c.idleCpuPercent()),
                    c.connectMs() + " ms"));
            json.add(Report.MAPPER.valueToTree(c));
        }
        if (cost.size() == 2) {
            ClusterProbe.Footprint alone = cost.get(0);
            ClusterProbe.Footprint cluster = cost.get(1);
            int n = alone.connections();
            rows.add(List.of("cluster − alone, per connection", "", String.format(Locale.ROOT, "%+.2f (%+d in all)",
                    (cluster.threads() - alone.threads()) / (double) n, cluster.threads() - alone.threads()),
                    String.format(Locale.ROOT, "%+.3f MiB", (cluster.heapMiB() - alone.heapMiB()) / n),
                    String.format(Locale.ROOT, "%+.2f %%", (cluster.idleCpuPercent() - alone.idleCpuPercent()) / n), ""));
        }
        report.table("clusterCost", "6c. Cluster: one host with every connection, alone and in a cluster of one",
                List.of("mode", "connections", "threads", "heap after GC", "idle CPU (one core = 100 %)", "all connected after"),
                rows, json);
    }
}
