package dev.gatehouse.bench;

import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.reload.ReloadResult;
import dev.gatehouse.host.supervisor.Supervisor;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.discord.SimChannel;
import dev.gatehouse.sim.discord.SimUser;
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
 * on it, as in production): a host with one real plugin ({@code --platform slack} or {@code discord}),
 * events arriving on every workspace, the plugin swapped again and again. Writes {@link ReloadFigures}
 * to {@code --out}.
 *
 * <p>Each swap waits until traffic flows again — every workspace's bot handled an event pushed after the
 * swap — before the next, as an operator's swaps would: Slack redelivers an unacknowledged event only
 * three times, so swaps back to back with no time connected in between can exhaust those retries. On
 * Discord swaps are also {@code --swap-gap} apart (default 5 s): Discord allows one IDENTIFY per 5 s per
 * bot, which the simulator enforces here, and a swap sooner than that waits before opening.
 */
@Command(name = "reload-probe")
final class ReloadProbe implements Callable<Integer> {

    private static final Duration SWAP_WITHIN = Duration.ofMinutes(2);
    private static final Duration TRAFFIC_WITHIN = Duration.ofSeconds(30);
    /** Slack's last redelivery comes after four ack timeouts of 3 s; a little more for the last swap. */
    private static final Duration DRAIN_WITHIN = Duration.ofSeconds(30);

    @Option(names = "--platform", required = true)
    String platform;

    @Option(names = "--dist", required = true)
    Path dist;

    @Option(names = "--work", required = true)
    Path work;

    @Option(names = "--swaps", required = true)
    int swaps;

    @Option(names = "--swap-gap", converter = BenchOptions.DurationConverter.class)
    Duration swapGap;

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

    /** One platform's side of the run: its simulator, apps, configuration and counters. */
    private interface Platform<A> extends AutoCloseable {
        List<A> apps();

        HostRig.Workspace workspace(String id, A app);

        EventSource.Push<A> push();

        /** Most sockets one app had open at once since the last reset. */
        int maxSockets(A app);

        void resetMaxSockets(A app);

        long redeliveries();

        long abandoned();

        @Override
        void close();
    }

    @Override
    public Integer call() throws Exception {
        BenchLogging.toFile(log);
        if (platform.equals("slack")) {
            return run(slack(), Duration.ZERO);
        }
        if (platform.equals("discord")) {
            return run(discord(), swapGap == null ? Duration.ofSeconds(5) : swapGap);
        }
        throw new IllegalArgumentException("--platform must be slack or discord, not " + platform);
    }

    private Platform<SimSlackApp> slack() {
        SlackSimulator sim = SlackSimulator.start();
        List<SimSlackApp> apps = IntStream.range(0, workspaces).mapToObj(i -> sim.registerApp()).toList();
        return new Platform<>() {
            public List<SimSlackApp> apps() {
                return apps;
            }

            public HostRig.Workspace workspace(String id, SimSlackApp app) {
                return HostRig.Workspace.slack(id, app.appToken(), app.botToken(), sim.apiUrl(), true);
            }

            public EventSource.Push<SimSlackApp> push() {
                return app -> SlackMessages.push(sim, app, "C0RELOAD", "during a swap").ts();
            }

            public int maxSockets(SimSlackApp app) {
                return sim.stats(app).maxOpenAtOnce();
            }

            public void resetMaxSockets(SimSlackApp app) {
                sim.resetMaxOpenAtOnce(app);
            }

            public long redeliveries() {
                return apps.stream().map(sim::stats).mapToLong(SlackAppStats::redeliveries).sum();
            }

            public long abandoned() {
                return apps.stream().map(sim::stats).mapToLong(SlackAppStats::eventsAbandoned).sum();
            }

            public void close() {
                sim.close();
            }
        };
    }

    private Platform<SimBot> discord() {
        DiscordSimulator sim = DiscordSimulator.builder().heartbeatInterval(Duration.ofSeconds(2)).start();
        SimChannel channel = sim.defaultGuild().defaultChannel();
        SimUser author = sim.createUser("reload-author");
        List<SimBot> bots = IntStream.range(0, workspaces).mapToObj(i -> sim.registerBot(
                String.format(Locale.ROOT, "reload-bench-token-%03d-0123456789", i), "reload-bot-" + i)
                .identifyInterval(Duration.ofSeconds(5))).toList();
        return new Platform<>() {
            public List<SimBot> apps() {
                return bots;
            }

            public HostRig.Workspace workspace(String id, SimBot bot) {
                return HostRig.Workspace.discord(id, bot.token(), sim.restBaseUrl(), sim.gatewayUrl());
            }

            public EventSource.Push<SimBot> push() {
                return bot -> bot.guildMessage(channel, author, "during a swap").entityId();
            }

            public int maxSockets(SimBot bot) {
                return bot.stats().maxOpenAtOnce();
            }

            public void resetMaxSockets(SimBot bot) {
                bot.resetMaxOpen();
            }

            public long redeliveries() {
                return bots.stream().mapToLong(b -> b.stats().replayed()).sum();
            }

            public long abandoned() {
                return 0;
            }

            public void close() {
                sim.close();
            }
        };
    }

    private <A> Integer run(Platform<A> p, Duration gap) throws Exception {
        Path dir = Files.createDirectories(work);
        Arrivals arrivals = new Arrivals();
        ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-reload-pusher");
            t.setDaemon(true);
            return t;
        });
        try (p) {
            Map<String, A> byWorkspace = new LinkedHashMap<>();
            List<HostRig.Workspace> config = new ArrayList<>();
            for (int i = 0; i < p.apps().size(); i++) {
                String id = String.format(Locale.ROOT, "r%03d", i);
                byWorkspace.put(id, p.apps().get(i));
                config.add(p.workspace(id, p.apps().get(i)));
            }
            try (HostRig rig = HostRig.start(dir, Dist.at(dist).pluginsFolder(dir, platform.equals("slack"),
                    platform.equals("discord")), HealthPolicy.defaults(), config, (ws, pl, e) -> {
                        if (e instanceof MessageEvent m) {
                            arrivals.seen(m.messageId());
                        }
                    })) {
                rig.awaitAllConnected(Duration.ofSeconds(60));
                String pluginId = rig.host().status().plugins().stream().filter(s -> s.platforms().contains(platform))
                        .map(PluginStatus::id).findFirst().orElseThrow();
                EventSource<A> events = new EventSource<>(p.apps(), p.push());
                pusher.scheduleAtFixedRate(events::tick, 0, pushEvery.toMillis(), TimeUnit.MILLISECONDS);
                Swaps<A> s = new Swaps<>(rig, platform, pluginId, events, arrivals, byWorkspace, gap);
                s.swapOnce(); // warm-up: classes and lazily started pools the later swaps reuse are in the baseline
                s.forgetTimings();
                p.apps().forEach(p::resetMaxSockets);
                ReloadFigures.Snapshot before = ReloadFigures.Snapshot.take();
                int maxSockets = 0;
                for (int i = 0; i < swaps; i++) {
                    s.swapOnce();
                    maxSockets = Math.max(maxSockets, p.apps().stream().mapToInt(p::maxSockets).max().orElse(0));
                    p.apps().forEach(p::resetMaxSockets);
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
                boolean leak = rig.host().status().plugins().stream().anyMatch(PluginStatus::leakSuspected);
                long outages = rig.host().status().connections().stream().filter(c -> c.lastOutage() != null).count();
                ReloadFigures figures = new ReloadFigures(platform, s.swapMs, s.connectedMs, s.trafficMs, s.outcomes,
                        events.pushed().size(), handled, arrivals.duplicates(), events.heldBack(), p.redeliveries(),
                        p.abandoned(), maxSockets, outages, gap.toMillis(), before, after, settled, s.loaders.size(),
                        s.loaders.size() - s.loadersStillReachable(), settleMs, leak);
                Report.MAPPER.writeValue(out.toFile(), figures);
            }
        } finally {
            pusher.shutdownNow();
        }
        return 0;
    }

    /** The swap loop's state: timings, outcomes and a weak reference to every swapped-out plugin class loader. */
    private static final class Swaps<A> {
        final List<Double> swapMs = new ArrayList<>();
        final List<Double> connectedMs = new ArrayList<>();
        final List<Double> trafficMs = new ArrayList<>();
        final Map<String, Integer> outcomes = new TreeMap<>();
        final List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        private final HostRig rig;
        private final String platform;
        private final String pluginId;
        private final EventSource<A> events;
        private final Arrivals arrivals;
        private final Map<String, A> byWorkspace;
        private final Duration gap;
        private long lastSwapEnd = Long.MIN_VALUE;

        Swaps(HostRig rig, String platform, String pluginId, EventSource<A> events, Arrivals arrivals,
                Map<String, A> byWorkspace, Duration gap) {
            this.rig = rig;
            this.platform = platform;
            this.pluginId = pluginId;
            this.events = events;
            this.arrivals = arrivals;
            this.byWorkspace = byWorkspace;
            this.gap = gap;
        }

        void swapOnce() throws Exception {
            if (lastSwapEnd != Long.MIN_VALUE) {
                long wait = lastSwapEnd + gap.toNanos() - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the operator's pace, not a condition
                }
            }
            loaders.add(new WeakReference<>(pluginLoader()));
            long start = System.nanoTime();
            ReloadResult r = rig.host().reloadPlugin(pluginId).toCompletableFuture()
                    .get(SWAP_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            swapMs.add((System.nanoTime() - start) / 1e6);
            outcomes.merge(r.outcome().label(), 1, Integer::sum);
            Map<A, Integer> marks = new LinkedHashMap<>();
            byWorkspace.values().forEach(app -> marks.put(app, events.mark(app)));
            rig.awaitAllConnected(Duration.ofSeconds(60));
            connectedMs.add((System.nanoTime() - start) / 1e6);
            Poll.require(TRAFFIC_WITHIN, "every workspace to handle an event after swap " + swapMs.size(), () -> marks
                    .entrySet().stream().allMatch(m -> arrivals.countOf(events.pushedSince(m.getKey(), m.getValue())) > 0));
            trafficMs.add((System.nanoTime() - start) / 1e6);
            lastSwapEnd = System.nanoTime();
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
            ClassLoader loader = rig.host().supervisor(workspace, platform).map(Supervisor::liveConnection)
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
