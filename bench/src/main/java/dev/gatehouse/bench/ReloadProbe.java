package dev.gatehouse.bench;

import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.reload.ReloadResult;
import dev.gatehouse.host.supervisor.Supervisor;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackAppStats;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The child JVM of section 5, started with the host's own runnable jar as its class path (no bare library
 * on it, as in production): a host with the real Slack plugin, events arriving on every workspace, the
 * plugin swapped again and again. Writes {@link ReloadFigures} to {@code --out}.
 *
 * <p>Each swap waits until traffic flows again — every workspace's bot handled an event pushed after the
 * swap — before the next, as an operator's swaps would: Slack redelivers an unacknowledged event only
 * three times, so swaps back to back with no time connected in between can exhaust those retries.
 */
@Command(name = "reload-probe")
final class ReloadProbe implements Callable<Integer> {

    private static final Duration SWAP_WITHIN = Duration.ofMinutes(2);
    private static final Duration TRAFFIC_WITHIN = Duration.ofSeconds(30);
    /** Slack's last redelivery comes after four ack timeouts of 3 s; a little more for the last swap. */
    private static final Duration DRAIN_WITHIN = Duration.ofSeconds(30);

    @Option(names = "--dist", required = true)
    Path dist;

    @Option(names = "--work", required = true)
    Path work;

    @Option(names = "--swaps", required = true)
    int swaps;

    @Option(names = "--workspaces", required = true)
    int workspaces;

    @Option(names = "--push-every", converter = BenchOptions.DurationConverter.class, required = true)
    Duration pushEvery;

    @Option(names = "--settle", converter = BenchOptions.DurationConverter.class, required = true)
    Duration settle;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--log", required = true)
    Path log;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReloadProbe()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchLogging.toFile(log);
        Path dir = Files.createDirectories(work);
        Arrivals arrivals = new Arrivals();
        ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-reload-pusher");
            t.setDaemon(true);
            return t;
        });
        try (SlackSimulator sim = SlackSimulator.start()) {
            List<SimSlackApp> apps = IntStream.range(0, workspaces).mapToObj(i -> sim.registerApp()).toList();
            Map<String, SimSlackApp> byWorkspace = new LinkedHashMap<>();
            List<HostRig.Workspace> config = new ArrayList<>();
            for (int i = 0; i < apps.size(); i++) {
                String id = String.format(Locale.ROOT, "r%03d", i);
                byWorkspace.put(id, apps.get(i));
                config.add(HostRig.Workspace.slack(id, apps.get(i).appToken(), apps.get(i).botToken(), sim.apiUrl(), true));
            }
            try (HostRig rig = HostRig.start(dir, Dist.at(dist).pluginsFolder(dir, true, false), HealthPolicy.defaults(),
                    config, (ws, platform, e) -> {
                        if (e instanceof MessageEvent m) {
                            arrivals.seen(m.messageId());
                        }
                    })) {
                rig.awaitAllConnected(Duration.ofSeconds(60));
                String pluginId = rig.host().status().plugins().stream().filter(p -> p.platforms().contains("slack"))
                        .map(PluginStatus::id).findFirst().orElseThrow();
                EventSource events = new EventSource(sim, apps);
                pusher.scheduleAtFixedRate(events::tick, 0, pushEvery.toMillis(), TimeUnit.MILLISECONDS);
                Swaps s = new Swaps(rig, pluginId, events, arrivals, byWorkspace);
                s.swapOnce(); // warm-up: classes and lazily started pools the later swaps reuse are in the baseline
                s.forgetTimings();
                ReloadFigures.Snapshot before = ReloadFigures.Snapshot.take();
                for (int i = 0; i < swaps; i++) {
                    s.swapOnce();
                }
                events.stopCreating();
                Poll.until(DRAIN_WITHIN, Duration.ofMillis(50), () -> events.backlog() == 0
                        && arrivals.countOf(events.pushed()) == events.pushed().size());
                pusher.shutdown();
                pusher.awaitTermination(10, TimeUnit.SECONDS);
                long handled = arrivals.countOf(events.pushed());
                ReloadFigures.Snapshot after = ReloadFigures.Snapshot.take();
                long settleStart = System.nanoTime();
                Poll.until(settle, Duration.ofSeconds(1), () -> {
                    System.gc();
                    return s.loadersStillReachable() == 0;
                });
                long settleMs = (System.nanoTime() - settleStart) / 1_000_000;
                ReloadFigures.Snapshot settled = ReloadFigures.Snapshot.take();
                long redeliveries = apps.stream().map(sim::stats).mapToLong(SlackAppStats::redeliveries).sum();
                long abandoned = apps.stream().map(sim::stats).mapToLong(SlackAppStats::eventsAbandoned).sum();
                boolean leak = rig.host().status().plugins().stream().anyMatch(PluginStatus::leakSuspected);
                ReloadFigures figures = new ReloadFigures(s.swapMs, s.connectedMs, s.trafficMs, s.outcomes, events.pushed().size(), handled, arrivals.duplicates(), events.heldBack(),
                        redeliveries, abandoned, before, after, settled, s.loaders.size(),
                        s.loaders.size() - s.loadersStillReachable(), settleMs, leak);
                Report.MAPPER.writeValue(out.toFile(), figures);
            }
        } finally {
            pusher.shutdownNow();
        }
        return 0;
    }

    /** The swap loop's state: timings, outcomes and a weak reference to every swapped-out plugin class loader. */
    private static final class Swaps {
        final List<Double> swapMs = new ArrayList<>();
        final List<Double> connectedMs = new ArrayList<>();
        final List<Double> trafficMs = new ArrayList<>();
        final Map<String, Integer> outcomes = new TreeMap<>();
        final List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        private final HostRig rig;
        private final String pluginId;
        private final EventSource events;
        private final Arrivals arrivals;
        private final Map<String, SimSlackApp> byWorkspace;

        Swaps(HostRig rig, String pluginId, EventSource events, Arrivals arrivals, Map<String, SimSlackApp> byWorkspace) {
            this.rig = rig;
            this.pluginId = pluginId;
            this.events = events;
            this.arrivals = arrivals;
            this.byWorkspace = byWorkspace;
        }

        void swapOnce() throws Exception {
            loaders.add(new WeakReference<>(pluginLoader()));
            long start = System.nanoTime();
            ReloadResult r = rig.host().reloadPlugin(pluginId).toCompletableFuture()
                    .get(SWAP_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            swapMs.add((System.nanoTime() - start) / 1e6);
            outcomes.merge(r.outcome().label(), 1, Integer::sum);
            Map<SimSlackApp, Integer> marks = new LinkedHashMap<>();
            byWorkspace.values().forEach(app -> marks.put(app, events.mark(app)));
            rig.awaitAllConnected(Duration.ofSeconds(60));
            connectedMs.add((System.nanoTime() - start) / 1e6);
            Poll.require(TRAFFIC_WITHIN, "every workspace to handle an event after swap " + swapMs.size(), () -> marks
                    .entrySet().stream().allMatch(m -> arrivals.countOf(events.pushedSince(m.getKey(), m.getValue())) > 0));
            trafficMs.add((System.nanoTime() - start) / 1e6);
        }

        /** Drops the warm-up swap's timings and outcome; its swapped-out class loader is still watched. */
        void forgetTimings() {
            swapMs.clear();
            connectedMs.clear();
            trafficMs.clear();
            outcomes.clear();
        }

        /** The class loader of the plugin serving now, which the next swap replaces. */
        private ClassLoader pluginLoader() {
            String workspace = byWorkspace.keySet().iterator().next();
            ClassLoader loader = rig.host().supervisor(workspace, "slack").map(Supervisor::liveConnection)
                    .map(c -> c.getClass().getClassLoader()).orElseThrow();
            if (loader == HostRig.class.getClassLoader()) {
                throw new IllegalStateException("the live connection is the host's, not the plugin's: " + loader);
            }
            return loader;
        }

        /** Swapped-out plugin class loaders (each swap's predecessor) not yet collected. */
        int loadersStillReachable() {
            return (int) loaders.stream().filter(l -> l.get() != null).count();
        }
    }
}
