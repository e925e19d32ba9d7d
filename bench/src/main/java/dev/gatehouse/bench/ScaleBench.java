package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.api.Durations;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Section 4, workspaces per JVM: each fleet (Gatehouse with Slack workspaces, Gatehouse with Discord bots,
 * and the bare libraries as the baseline) grows through its steps in a fresh child JVM that measures itself,
 * against simulators in this process. Per-connection cost = (figure at N − figure with none) / N.
 */
final class ScaleBench {

    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(10);
    private static final int TOP = 6;

    private final BenchOptions.Sizes sizes;
    private final Path work;
    private final Report report;

    ScaleBench(BenchOptions.Sizes sizes, Path work, Report report) {
        this.sizes = sizes;
        this.work = work;
        this.report = report;
    }

    void run() throws Exception {
        Path dir = Files.createDirectories(work.resolve("scale"));
        int bare = sizes.bareScale();
        List<Integer> mixed = sizes.mixedScale().stream().filter(n -> n > 0).toList();
        int maxSlack = Stream.of(sizes.slackScale().stream(), mixed.stream(), Stream.of(bare)).flatMap(s -> s)
                .mapToInt(Integer::intValue).max().orElse(0);
        int maxDiscord = Stream.of(sizes.discordScale().stream(), mixed.stream(), Stream.of(bare)).flatMap(s -> s)
                .mapToInt(Integer::intValue).max().orElse(0);
        Map<String, JsonNode> results = new LinkedHashMap<>();
        try (SlackSimulator slack = SlackSimulator.builder().historyLimit(100).start();
                DiscordSimulator discord = DiscordSimulator.start()) {
            List<SimSlackApp> apps = IntStream.rangeClosed(0, maxSlack).mapToObj(i -> slack.registerApp()).toList();
            List<String> bots = IntStream.rangeClosed(0, maxDiscord)
                    .mapToObj(i -> discord.registerBot("bench-scale-" + i).token()).toList();
            Path accounts = dir.resolve("accounts.json");
            new ScaleAccounts(slack.apiUrl(), discord.restBaseUrl(), discord.gatewayUrl(),
                    apps.stream().map(a -> new ScaleAccounts.SlackTokens(a.appToken(), a.botToken())).toList(), bots)
                    .write(accounts);
            Map<String, List<Integer>> plan = new LinkedHashMap<>();
            if (!sizes.slackScale().isEmpty()) {
                plan.put("host-slack", sizes.slackScale());
            }
            if (!sizes.discordScale().isEmpty()) {
                plan.put("host-discord", sizes.discordScale());
            }
            if (!mixed.isEmpty()) {
                plan.put("host-both", mixed);
            }
            if (bare > 0) {
                plan.put("bare-slack", List.of(bare));
                plan.put("bare-discord", List.of(bare));
            }
            for (var e : plan.entrySet()) {
                report.progress("scale: " + e.getKey() + " " + e.getValue() + " in a fresh JVM");
                try {
                    results.put(e.getKey(), probe(e.getKey(), e.getValue(), accounts, dir));
                } catch (Exception ex) {
                    report.note("scale", e.getKey() + ": not measured: " + ex.getMessage());
                }
                Poll.until(Duration.ofSeconds(30), Duration.ofMillis(100), () -> discord.connections().isEmpty()
                        && slack.apps().stream().allMatch(a -> slack.stats(a).openNow() == 0));
            }
        }
        tables(results);
    }

    private JsonNode probe(String fleet, List<Integer> steps, Path accounts, Path dir) throws Exception {
        Path out = dir.resolve(fleet + ".json");
        Path log = report.logFile().resolveSibling(report.logFile().getFileName().toString().replace(".log", "-" + fleet + ".log"));
        ChildJvm.run(ScaleProbe.class, List.of("--fleet", fleet,
                "--steps", String.join(",", steps.stream().map(String::valueOf).toList()),
                "--accounts", accounts.toString(), "--dist", sizes.dist().toAbsolutePath().toString(),
                "--work", Files.createDirectories(dir.resolve(fleet)).toString(),
                "--idle-window", Durations.format(sizes.idleWindow()), "--settle", Durations.format(sizes.scaleSettle()),
                "--histogram", Boolean.toString(sizes.histogram()),
                "--out", out.toString(), "--log", log.toString()), log, CHILD_TIMEOUT);
        return Report.MAPPER.readTree(out.toFile());
    }

    /** Per-connection figures of one step: (step − baseline) / connections (N, or 2N for both platforms at once). */
    private record PerConnection(int n, double heapKiB, double rssKiB, double threads, double cpuPercent) {
        static PerConnection of(JsonNode baseline, JsonNode step) {
            int n = step.path("connections").asInt(step.get("n").asInt());
            JsonNode f = step.get("footprint");
            return new PerConnection(n,
                    (f.get("heapAfterGcMiB").asDouble() - baseline.get("heapAfterGcMiB").asDouble()) * 1024 / n,
                    (f.get("rssMiB").asDouble() - baseline.get("rssMiB").asDouble()) * 1024 / n,
                    (f.get("threads").asDouble() - baseline.get("threads").asDouble()) / n,
                    (f.at("/idleCpuPercentOfOneCore/median").asDouble()
                            - baseline.at("/idleCpuPercentOfOneCore/median").asDouble()) / n);
        }
    }

    private void tables(Map<String, JsonNode> results) {
        ArrayNode json = Report.MAPPER.createArrayNode();
        List<List<String>> rows = new ArrayList<>();
        Map<String, PerConnection> largest = new LinkedHashMap<>();
        Map<String, Map<Integer, PerConnection>> byN = new LinkedHashMap<>();
        for (var e : results.entrySet()) {
            JsonNode r = e.getValue();
            JsonNode base = r.get("baseline");
            rows.add(row(e.getKey(), "0", "", base, null));
            ObjectNode fleetJson = json.addObject();
            fleetJson.put("fleet", e.getKey());
            fleetJson.set("baseline", base);
            ArrayNode steps = fleetJson.putArray("steps");
            for (JsonNode step : r.get("steps")) {
                PerConnection pc = PerConnection.of(base, step);
                largest.put(e.getKey(), pc);
                byN.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).put(pc.n(), pc);
                rows.add(row(e.getKey(), step.get("n").asText(), step.get("connectMs").asText() + " ms", step.get("footprint"), pc));
                ObjectNode s = steps.addObject();
                s.put("n", pc.n());
                s.put("allConnectedMs", step.get("connectMs").asLong());
                s.set("footprint", step.get("footprint"));
                ObjectNode per = s.putObject("perConnection");
                Figures.putNumber(per, "heapKiB", pc.heapKiB());
                Figures.putNumber(per, "rssKiB", pc.rssKiB());
                Figures.putNumber(per, "threads", pc.threads());
                Figures.putNumber(per, "idleCpuPercent", pc.cpuPercent());
            }
            if (r.has("histogramGrowth")) {
                fleetJson.set("histogramGrowthPerConnection", r.get("histogramGrowth"));
            }
        }
        report.table("scale", "4. Scale: one fleet per fresh JVM, simulators in the parent (per connection = Δ / N)",
                List.of("fleet", "N", "all connected", "heap after GC", "RSS", "threads", "idle CPU % min/med/p95/max",
                        "heap/conn", "RSS/conn", "threads/conn", "CPU %/conn"), rows, json);
        compareWithBare(byN);
        bothPlatformsTable(results);
        threadsTable(results);
        objectsTable(results);
        report.note("scale", "fleets: host-* = Gatehouse (production policy) with N workspaces of one platform, grown by"
                + " applying a bigger configuration; bare-* = N bare SocketModeApps / JDAs; the Discord simulator announces"
                + " Discord's real heartbeat_interval (41.25 s); idle CPU over " + Durations.format(sizes.idleWindow())
                + " in 1 s samples; every fleet first connects and closes one warm-up client so class loading is in the"
                + " baseline; heap after 3 full GCs.");
    }

    private static List<String> row(String fleet, String n, String connected, JsonNode f, PerConnection pc) {
        return List.of(fleet, n, connected, Figures.num(f.get("heapAfterGcMiB").asDouble()) + " MiB",
                f.get("rssMiB").asText() + " MiB", f.get("threads").asText(), stats(f.get("idleCpuPercentOfOneCore")),
                pc == null ? "" : Figures.num(pc.heapKiB()) + " KiB", pc == null ? "" : Figures.num(pc.rssKiB()) + " KiB",
                pc == null ? "" : Figures.num(pc.threads()), pc == null ? "" : Figures.num(pc.cpuPercent()));
    }

    private static String stats(JsonNode s) {
        return new Stats(s.get("n").asInt(), s.get("min").asDouble(), s.get("median").asDouble(), s.get("p95").asDouble(),
                s.get("max").asDouble()).format("");
    }

    /** Gatehouse's per-connection cost next to the bare library's, at the bare fleet's size where the ramp has it. */
    private void compareWithBare(Map<String, Map<Integer, PerConnection>> byN) {
        ArrayNode json = Report.MAPPER.createArrayNode();
        List<List<String>> rows = new ArrayList<>();
        for (String platform : List.of("slack", "discord")) {
            PerConnection bare = byN.getOrDefault("bare-" + platform, Map.of()).values().stream().findFirst().orElse(null);
            Map<Integer, PerConnection> host = byN.getOrDefault("host-" + platform, Map.of());
            if (bare == null || host.isEmpty()) {
                continue;
            }
            PerConnection gh = host.getOrDefault(bare.n(), host.values().stream().reduce((a, b) -> b).orElseThrow());
            addComparison(rows, json, platform, "heap KiB", gh.n(), gh.heapKiB(), bare.n(), bare.heapKiB());
            addComparison(rows, json, platform, "RSS KiB", gh.n(), gh.rssKiB(), bare.n(), bare.rssKiB());
            addComparison(rows, json, platform, "threads", gh.n(), gh.threads(), bare.n(), bare.threads());
            addComparison(rows, json, platform, "idle CPU %", gh.n(), gh.cpuPercent(), bare.n(), bare.cpuPercent());
        }
        if (!rows.isEmpty()) {
            report.table("scaleVsBare", "4b. Cost per connection: Gatehouse vs the bare library",
                    List.of("platform", "per connection", "Gatehouse", "bare", "ratio"), rows, json);
        }
    }

    /**
     * The one-JVM target: N Slack workspaces and N Discord bots in one host, against the bounds (all
     * connected within 15 s, heap after GC at most 1 GiB, idle CPU at most half of one core, at most 3 threads
     * per connection).
     */
    private void bothPlatformsTable(Map<String, JsonNode> results) {
        JsonNode r = results.get("host-both");
        if (r == null) {
            return;
        }
        ArrayNode json = Report.MAPPER.createArrayNode();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode step : r.get("steps")) {
            PerConnection pc = PerConnection.of(r.get("baseline"), step);
            JsonNode f = step.get("footprint");
            long connectMs = step.get("connectMs").asLong();
            double heap = f.get("heapAfterGcMiB").asDouble();
            double cpu = f.at("/idleCpuPercentOfOneCore/median").asDouble();
            boolean within = connectMs <= 15_000 && heap <= 1024 && cpu <= 50 && pc.threads() <= 3;
            rows.add(List.of(step.get("n").asText() + " + " + step.get("n").asText(), connectMs + " ms",
                    Figures.num(heap) + " MiB", f.get("rssMiB").asText() + " MiB", f.get("threads").asText(),
                    Figures.num(pc.threads()), Figures.num(cpu) + " %", within ? "yes" : "NO"));
            ObjectNode o = json.addObject();
            o.put("slackWorkspaces", step.get("n").asInt());
            o.put("discordBots", step.get("n").asInt());
            o.put("allConnectedMs", connectMs);
            Figures.putNumber(o, "heapAfterGcMiB", heap);
            o.put("rssMiB", f.get("rssMiB").asDouble());
            o.put("threads", f.get("threads").asInt());
            Figures.putNumber(o, "threadsPerConnection", pc.threads());
            Figures.putNumber(o, "idleCpuPercentOfOneCore", cpu);
            o.put("withinTargets", within);
        }
        report.table("scaleBoth", "4e. Both platforms in one JVM (targets: connected ≤ 15 s, heap ≤ 1 GiB, idle CPU ≤ 50 %,"
                + " ≤ 3 threads per connection)", List.of("Slack + Discord", "all connected", "heap after GC", "RSS", "threads",
                "threads/conn", "idle CPU (median)", "within targets"), rows, json);
    }

    private static void addComparison(List<List<String>> rows, ArrayNode json, String platform, String what, int hostN,
            double host, int bareN, double bare) {
        double ratio = bare == 0 ? Double.NaN : host / bare;
        rows.add(List.of(platform, what, Figures.num(host) + " (N=" + hostN + ")", Figures.num(bare) + " (N=" + bareN + ")",
                Figures.times(ratio)));
        ObjectNode n = json.addObject();
        n.put("platform", platform);
        n.put("figure", what);
        Figures.putNumber(n, "gatehouse", host);
        Figures.putNumber(n, "bare", bare);
        Figures.putNumber(n, "ratio", ratio);
    }

    /** Where the threads go: thread-name patterns that grew, per connection, at each fleet's largest step. */
    private void threadsTable(Map<String, JsonNode> results) {
        ArrayNode json = Report.MAPPER.createArrayNode();
        List<List<String>> rows = new ArrayList<>();
        for (var e : results.entrySet()) {
            JsonNode steps = e.getValue().get("steps");
            if (steps.isEmpty()) {
                continue;
            }
            JsonNode last = steps.get(steps.size() - 1);
            int n = last.path("connections").asInt(last.get("n").asInt());
            Map<String, Integer> before = counts(e.getValue().at("/baseline/threadsByPattern"));
            Map<String, Integer> after = counts(last.at("/footprint/threadsByPattern"));
            int shown = 0;
            for (var g : ThreadCensus.growth(before, after).entrySet()) {
                if (shown++ == TOP) {
                    break;
                }
                rows.add(List.of(e.getKey(), Integer.toString(n), g.getKey(), Figures.num((double) g.getValue() / n)));
                ObjectNode o = json.addObject();
                o.put("fleet", e.getKey());
                o.put("n", n);
                o.put("pattern", g.getKey());
                o.put("threadsPerConnection", Figures.round((double) g.getValue() / n));
            }
        }
        report.table("scaleThreads", "4c. Where the threads go (growth per connection at the largest N)",
                List.of("fleet", "N", "thread name pattern", "per connection"), rows, json);
    }

    private static Map<String, Integer> counts(JsonNode node) {
        Map<String, Integer> m = new LinkedHashMap<>();
        node.properties().forEach(f -> m.put(f.getKey(), f.getValue().asInt()));
        return m;
    }

    /** Which objects: the classes whose live bytes grew most, per connection, at each fleet's largest step. */
    private void objectsTable(Map<String, JsonNode> results) {
        ArrayNode json = Report.MAPPER.createArrayNode();
        List<List<String>> rows = new ArrayList<>();
        for (var e : results.entrySet()) {
            JsonNode top = e.getValue().get("histogramGrowth");
            if (top == null) {
                continue;
            }
            int shown = 0;
            for (JsonNode c : top) {
                if (shown++ == TOP) {
                    break;
                }
                rows.add(List.of(e.getKey(), c.get("class").asText(), Figures.num(c.get("bytesPerConnection").asDouble() / 1024)
                        + " KiB", Figures.num(c.get("instancesPerConnection").asDouble())));
                ObjectNode o = json.addObject();
                o.put("fleet", e.getKey());
                o.setAll((ObjectNode) c);
            }
        }
        if (!rows.isEmpty()) {
            report.table("scaleObjects", "4d. Which objects (live heap growth per connection at the largest N, GC.class_histogram)",
                    List.of("fleet", "class", "bytes/conn", "instances/conn"), rows, json);
        }
    }
}
