package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.api.Durations;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackAppStats;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Section 1, the original bug: Slack connections held idle and connected for a long simulated period, every
 * host policy timing divided by one speed-up factor, once under Gatehouse's transport-liveness policy and
 * once under the event-recency fallback ({@code transportHooks: false}), both at the same time. Counts the
 * forced reconnects per connection-hour and the most sockets each workspace held at once.
 *
 * <p>Both hosts connect under the production policy and switch to the scaled one when all are connected,
 * so a cold start's slow first opens are not judged against timeouts divided by the factor.
 */
final class IdleBench {

    private static final Duration CONNECT_WITHIN = Duration.ofSeconds(120);

    /** One mode under test: its host and its simulator apps, and the counters when the window opened. */
    private record Mode(String name, String key, HostRig rig, List<SimSlackApp> apps, List<Long> forcedBefore,
            List<Long> libraryBefore, List<Long> openedBefore) {
    }

    private final BenchOptions.Sizes sizes;
    private final Dist dist;
    private final Path work;
    private final Report report;

    IdleBench(BenchOptions.Sizes sizes, Dist dist, Path work, Report report) {
        this.sizes = sizes;
        this.dist = dist;
        this.work = work;
        this.report = report;
    }

    void run() throws Exception {
        int n = sizes.idleConnections();
        HealthPolicy scaled = HealthPolicy.defaults().scaled(1.0 / sizes.idleSpeedup());
        Duration window = sizes.idleSimulated().dividedBy(sizes.idleSpeedup());
        double simulatedHours = sizes.idleSimulated().toMillis() / 3_600_000.0;
        try (SlackSimulator sim = SlackSimulator.start();
                HostRig transport = rig(sim, "transport", true, n);
                HostRig recency = rig(sim, "recency", false, n)) {
            report.progress("idle: " + n + " + " + n + " Slack connections opening");
            transport.awaitAllConnected(CONNECT_WITHIN);
            recency.awaitAllConnected(CONNECT_WITHIN);
            transport.apply(scaled);
            recency.apply(scaled);
            Mode gatehouse = open("Gatehouse (transport liveness)", "gatehouse", transport, sim);
            Mode fallback = open("event-recency fallback (the bug)", "eventRecency", recency, sim);
            report.progress("idle: holding them idle for " + Durations.format(sizes.idleSimulated()) + " simulated = "
                    + window.toSeconds() + " s");
            Poll.pause(window);
            ArrayNode json = Report.MAPPER.createArrayNode();
            List<List<String>> rows = new ArrayList<>();
            Stats gatehouseForced = close(gatehouse, sim, simulatedHours, rows, json, null);
            close(fallback, sim, simulatedHours, rows, json, gatehouseForced);
            report.table("idle", "1. Idle false reconnects: " + n + " idle Slack connections per mode, "
                    + Durations.format(sizes.idleSimulated()) + " simulated in " + window.toSeconds() + " s",
                    List.of("mode", "forced reconnects / conn-hour min/med/p95/max", "sockets opened / conn-hour",
                            "max sockets at once / workspace", "ratio vs Gatehouse", "exit requests"), rows, json);
            report.note("idle", String.format(Locale.ROOT, "policy scaled by 1/%d: staleAfter %s, checkInterval %s,"
                    + " openTimeout %s, backoffBase %s (every timing scaled alike); both modes ran at the same time against"
                    + " one simulator; per-connection figures over %d connections", sizes.idleSpeedup(),
                    Durations.format(scaled.staleAfter()), Durations.format(scaled.checkInterval()),
                    Durations.format(scaled.openTimeout()), Durations.format(scaled.backoffBase()), n));
        }
    }

    private HostRig rig(SlackSimulator sim, String name, boolean transportHooks, int n) throws Exception {
        List<HostRig.Workspace> workspaces = IntStream.range(0, n).mapToObj(i -> {
            SimSlackApp app = sim.registerApp();
            return HostRig.Workspace.slack(String.format(Locale.ROOT, "%s%03d", name, i), app.appToken(), app.botToken(),
                    sim.apiUrl(), transportHooks);
        }).toList();
        Path dir = Files.createDirectories(work.resolve("idle-" + name));
        return HostRig.start(dir, dist.pluginsFolder(dir, true, false), HealthPolicy.defaults(), workspaces,
                (ws, platform, e) -> { });
    }

    /** Opens the measurement window of one mode: resets the simulator's figures, notes the host's counters. */
    private static Mode open(String name, String key, HostRig rig, SlackSimulator sim) {
        List<SimSlackApp> apps = new ArrayList<>();
        for (HostRig.Workspace w : rig.workspaces()) {
            String appToken = w.settings().get("appToken");
            apps.add(sim.apps().stream().filter(a -> a.appToken().equals(appToken)).findFirst().orElseThrow());
        }
        apps.forEach(sim::resetMaxOpenAtOnce);
        List<ConnectionStatus> statuses = statuses(rig);
        return new Mode(name, key, rig, apps, statuses.stream().map(ConnectionStatus::forcedReconnects).toList(),
                statuses.stream().map(ConnectionStatus::libraryReconnects).toList(),
                apps.stream().map(a -> sim.stats(a).socketsOpened()).toList());
    }

    private static List<ConnectionStatus> statuses(HostRig rig) {
        return rig.workspaces().stream().map(w -> rig.status(w.id(), "slack").orElseThrow()).toList();
    }

    /** Closes the window of one mode and adds its row; returns its forced-reconnect figures. */
    private static Stats close(Mode m, SlackSimulator sim, double hours, List<List<String>> rows, ArrayNode json,
            Stats baseline) {
        List<ConnectionStatus> statuses = statuses(m.rig());
        List<Double> forced = new ArrayList<>();
        List<Double> library = new ArrayList<>();
        List<Double> opened = new ArrayList<>();
        List<Integer> maxOpen = new ArrayList<>();
        for (int i = 0; i < m.apps().size(); i++) {
            SlackAppStats stats = sim.stats(m.apps().get(i));
            forced.add((statuses.get(i).forcedReconnects() - m.forcedBefore().get(i)) / hours);
            library.add((statuses.get(i).libraryReconnects() - m.libraryBefore().get(i)) / hours);
            opened.add((stats.socketsOpened() - m.openedBefore().get(i)) / hours);
            maxOpen.add(stats.maxOpenAtOnce());
        }
        Stats forcedStats = Stats.of(forced);
        Stats openedStats = Stats.of(opened);
        Stats maxOpenStats = Stats.of(maxOpen);
        double ratio = baseline == null ? Double.NaN : Figures.ratio(forcedStats, baseline);
        String ratioText = baseline == null ? "" : baseline.median() == 0
                ? (forcedStats.median() == 0 ? "equal (both 0)" : "∞ (Gatehouse: 0)") : Figures.times(ratio);
        rows.add(List.of(m.name(), forcedStats.format(""), openedStats.format(""), maxOpenStats.format(""), ratioText,
                Integer.toString(m.rig().exitRequests().size())));
        ObjectNode n = json.addObject();
        n.put("mode", m.key());
        n.put("connections", m.apps().size());
        n.put("simulatedHours", hours);
        n.set("forcedReconnectsPerConnectionHour", Figures.json(forcedStats));
        n.set("libraryReconnectsPerConnectionHour", Figures.json(Stats.of(library)));
        n.set("socketsOpenedPerConnectionHour", Figures.json(openedStats));
        n.set("maxSocketsAtOncePerWorkspace", Figures.json(maxOpenStats));
        n.put("forcedReconnectsTotal", forced.stream().mapToDouble(d -> d * hours).sum());
        Figures.putNumber(n, "ratioToGatehouse", ratio);
        n.put("exitRequests", m.rig().exitRequests().size());
        return forcedStats;
    }
}
