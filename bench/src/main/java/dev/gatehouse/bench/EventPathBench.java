package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.DispatchReceipt;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.discord.SimUser;
import dev.gatehouse.sim.slack.AckRecord;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Section 3, the event path: events per second (a burst pushed back to back) and latency (paced events)
 * from the simulator's push to the bot's handler — and, on Slack, to the acknowledgement the simulator
 * receives — through Gatehouse, a bare Bolt {@code SocketModeApp} and a bare JDA listener, one connection
 * each, trials alternating between the clients.
 */
final class EventPathBench {

    private static final Duration ARRIVE_WITHIN = Duration.ofSeconds(60);
    /**
     * Unmeasured events each Discord client handles before its first trial, in bursts of the trial's size:
     * enough for the JIT to compile every client's path. Both clients get the same number, and it matters:
     * the plugin's JDA is a copy of its own, loaded by the plugin's class loader for this section's host and
     * compiled from scratch, while the bench's bare JDA is the same classes that earlier sections (recovery)
     * already ran hot. With 300 warm-up events a full run measured the cold copy against the hot one.
     */
    private static final int DISCORD_WARMUP_EVENTS = 20_000;
    /** Slack's bare client takes about 1,000 events/s (one at a time): one burst's worth is its warm-up. */
    private static final int SLACK_WARMUP_BURSTS = 1;
    /**
     * After the warm-up above, more rounds (a burst and {@link #SETTLE_PACED_EVENTS} paced events per Discord
     * client) until the JIT compilers are quiet: 20,000 events take a fraction of a second, and C2 then went on
     * compiling (and recompiling) the plugin's JDA copy at a full core for 10 s and more, into the measured
     * trials, on a 2-core machine. At most this many rounds (each adds to the host's dedupe table).
     */
    private static final int MAX_SETTLE_ROUNDS = 8;
    private static final int SETTLE_PACED_EVENTS = 250;
    /** The JIT counts as quiet once a settle round spent at most this share of its wall time compiling. */
    private static final double QUIET_COMPILE_SHARE = 0.05;

    /** A client under test: how to push it one event and where its handler's arrivals are. */
    private record Client(String platform, String kind, Supplier<String> push, Arrivals arrivals,
            Function<Collection<String>, Map<String, Double>> ackMillis) {
    }

    /** One client's figures over the trials. */
    private static final class ClientFigures {
        final List<Double> eventsPerSecond = new ArrayList<>();
        final List<Double> handlerP50 = new ArrayList<>();
        final List<Double> handlerP99 = new ArrayList<>();
        final List<Double> ackP50 = new ArrayList<>();
        final List<Double> ackP99 = new ArrayList<>();
        /** Every paced event's push→handler latency, all trials: a p99 of 2,500 events by default, not of 500. */
        final List<Double> handlerAll = new ArrayList<>();
        long lost;
    }

    private final BenchOptions.Sizes sizes;
    private final Dist dist;
    private final Path work;
    private final Report report;

    EventPathBench(BenchOptions.Sizes sizes, Dist dist, Path work, Report report) {
        this.sizes = sizes;
        this.dist = dist;
        this.work = work;
        this.report = report;
    }

    void run() throws Exception {
        Path dir = Files.createDirectories(work.resolve("events"));
        Arrivals slackHost = new Arrivals();
        Arrivals slackBare = new Arrivals();
        Arrivals discordHost = new Arrivals();
        Arrivals discordBare = new Arrivals();
        try (SlackSimulator hostSlack = SlackSimulator.start(); SlackSimulator bareSlack = SlackSimulator.start();
                DiscordSimulator hostDiscord = discordSimulator(); DiscordSimulator bareDiscord = discordSimulator()) {
            SimSlackApp hostApp = hostSlack.registerApp();
            SimSlackApp bareApp = bareSlack.registerApp();
            SimBot hostBot = hostDiscord.registerBot("bench-events-host");
            SimBot bareBot = bareDiscord.registerBot("bench-events-bare");
            Path slackDir = Files.createDirectories(dir.resolve("slack"));
            Path discordDir = Files.createDirectories(dir.resolve("discord"));
            List<AutoCloseable> bare = new ArrayList<>();
            // One host per platform, each with its own dedupe table (see requireWithinDedupeTables).
            try (HostRig slackRig = HostRig.start(slackDir, dist.pluginsFolder(slackDir, true, false), HealthPolicy.defaults(),
                    List.of(HostRig.Workspace.slack("events", hostApp.appToken(), hostApp.botToken(), hostSlack.apiUrl(), true)),
                    (ws, platform, e) -> {
                        if (e instanceof MessageEvent m) {
                            slackHost.seen(m.messageId());
                        }
                    });
                    HostRig discordRig = HostRig.start(discordDir, dist.pluginsFolder(discordDir, false, true),
                            HealthPolicy.defaults(), List.of(HostRig.Workspace.discord("events", hostBot.token(),
                                    hostDiscord.restBaseUrl(), hostDiscord.gatewayUrl())),
                            (ws, platform, e) -> {
                                if (e instanceof MessageEvent m) {
                                    discordHost.seen(m.messageId());
                                }
                            })) {
                bare.add(BareSlack.start(bareSlack.apiUrl(), bareApp.appToken(), bareApp.botToken(), slackBare));
                BareJda discordLib = BareJda.start(bareDiscord.restBaseUrl(), bareDiscord.gatewayUrl(), bareBot.token(),
                        discordBare);
                bare.add(discordLib);
                slackRig.awaitAllConnected(Duration.ofSeconds(60));
                discordRig.awaitAllConnected(Duration.ofSeconds(60));
                Poll.require(Duration.ofSeconds(60), "the bare JDA to connect", discordLib::connected);
                awaitFirstSocket(bareSlack, bareApp);
                List<Client> clients = List.of(
                        slack(RecoveryBench.GATEHOUSE, hostSlack, hostApp, slackHost),
                        slack(RecoveryBench.BARE, bareSlack, bareApp, slackBare),
                        discord(RecoveryBench.GATEHOUSE, hostDiscord, hostBot, discordHost),
                        discord(RecoveryBench.BARE, bareDiscord, bareBot, discordBare));
                Map<Client, ClientFigures> figures = new LinkedHashMap<>();
                for (Client c : clients) {
                    figures.put(c, new ClientFigures());
                    int size = burstSize(c);
                    int bursts = warmUpBursts(c);
                    report.progress("events: warming up " + c.platform() + " " + c.kind() + " (" + bursts + " × "
                            + size + " events, not counted)");
                    for (int i = 0; i < bursts; i++) {
                        burst(c, size);
                    }
                }
                settleJit(clients.stream().filter(c -> c.platform().equals("discord")).toList());
                for (int t = 0; t < sizes.eventTrials(); t++) {
                    report.progress("events: latency trial " + (t + 1) + " of " + sizes.eventTrials());
                    for (Client c : inTurn(clients, t)) {
                        quiesce();
                        latencyTrial(c, figures.get(c));
                    }
                }
                report.progress("events: " + sizes.burstTrials() + " bursts per client");
                for (int t = 0; t < sizes.burstTrials(); t++) {
                    for (Client c : inTurn(clients, t)) {
                        quiesce();
                        figures.get(c).eventsPerSecond.add(burst(c, burstSize(c)));
                    }
                }
                table(figures);
            } finally {
                Parallel.closeAll(bare);
            }
        }
    }

    /**
     * Each client of a platform is measured right after the other, and which one goes first alternates
     * from trial to trial, so that neither always inherits the other's leftovers (garbage, a JIT compile).
     */
    private static List<Client> inTurn(List<Client> clients, int trial) {
        if (trial % 2 == 0) {
            return clients;
        }
        List<Client> swapped = new ArrayList<>();
        for (int i = 0; i + 1 < clients.size(); i += 2) {
            swapped.add(clients.get(i + 1));
            swapped.add(clients.get(i));
        }
        return swapped;
    }

    /**
     * A full collection before each measured trial: the clients share this JVM, and a collection of what the
     * previous client (or the simulators) left would otherwise land, 30–80 ms long on 2 cores, in a burst of a
     * few hundred milliseconds. A trial still pays for the garbage it makes itself.
     */
    private static void quiesce() {
        System.gc();
    }

    private int burstSize(Client c) {
        return c.platform().equals("discord") ? sizes.discordBurstEvents() : sizes.burstEvents();
    }

    private int warmUpBursts(Client c) {
        return c.platform().equals("discord") ? discordWarmUpBursts(sizes) : SLACK_WARMUP_BURSTS;
    }

    /** Bursts of the trial's size that make {@link #DISCORD_WARMUP_EVENTS}; one in a smoke run, which measures nothing. */
    private static int discordWarmUpBursts(BenchOptions.Sizes sizes) {
        return sizes.smoke() ? 1 : (DISCORD_WARMUP_EVENTS + sizes.discordBurstEvents() - 1) / sizes.discordBurstEvents();
    }

    /**
     * Each host remembers at most {@link GatewayHost#DEDUPE_CAPACITY} event ids for
     * {@link GatewayHost#DEDUPE_WINDOW} and refuses events beyond that (so that the platform redelivers
     * them): sizes that would push more through one host within the section are refused with the other
     * option errors, before anything runs, instead of a run that stalls halfway.
     */
    static void requireWithinDedupeTables(BenchOptions.Sizes sizes) {
        long slack = (long) SLACK_WARMUP_BURSTS * sizes.burstEvents() + (long) sizes.burstTrials() * sizes.burstEvents()
                + (long) sizes.eventTrials() * sizes.latencyEvents();
        long discord = (long) (discordWarmUpBursts(sizes) + sizes.burstTrials()) * sizes.discordBurstEvents()
                + (long) sizes.eventTrials() * sizes.latencyEvents()
                + (sizes.smoke() ? 0 : (long) MAX_SETTLE_ROUNDS * (sizes.discordBurstEvents() + SETTLE_PACED_EVENTS));
        for (var e : Map.of("Slack", slack, "Discord", discord).entrySet()) {
            if (e.getValue() > GatewayHost.DEDUPE_CAPACITY * 9L / 10) {
                throw new IllegalArgumentException("section 3 would push " + e.getValue() + " " + e.getKey()
                        + " events through one host, more than 90 % of its dedupe table (" + GatewayHost.DEDUPE_CAPACITY
                        + " events per " + GatewayHost.DEDUPE_WINDOW.toMinutes() + " min), which then refuses events;"
                        + " lower --burst-trials, --burst-events, --discord-burst-events, --event-trials or --latency-events");
            }
        }
    }

    /**
     * Keeps few messages: the section pushes a few hundred thousand and never reads one back, and with the
     * default history the two simulators held most of a gigabyte of JSON trees by the end, whose collection
     * paused every client 40–450 ms in the middle of its trials.
     */
    private DiscordSimulator discordSimulator() {
        return DiscordSimulator.builder().heartbeatInterval(sizes.discordHeartbeat()).messageHistory(1_000).start();
    }

    /** The bare Bolt app's socket is open once its start returned (Tyrus), as the simulator confirms. */
    private static void awaitFirstSocket(SlackSimulator sim, SimSlackApp app) {
        Poll.require(Duration.ofSeconds(30), "the bare Bolt app's socket", () -> !sim.openConnections(app).isEmpty());
    }

    private static Client slack(String kind, SlackSimulator sim, SimSlackApp app, Arrivals arrivals) {
        Map<String, String> eventIdByTs = new ConcurrentHashMap<>();
        return new Client("slack", kind, () -> {
            SlackMessages.Pushed p = SlackMessages.push(sim, app, "C0EVENTS", "hello");
            eventIdByTs.put(p.ts(), p.eventId());
            return p.ts();
        }, arrivals, keys -> {
            Map<String, String> tsByEventId = new HashMap<>();
            keys.forEach(ts -> tsByEventId.put(eventIdByTs.get(ts), ts));
            Map<String, Double> out = new HashMap<>();
            for (AckRecord a : sim.acks(app)) {
                String ts = a.eventId() == null ? null : tsByEventId.get(a.eventId());
                if (ts != null) {
                    out.putIfAbsent(ts, a.latency().toNanos() / 1e6);
                }
            }
            return out;
        });
    }

    private static Client discord(String kind, DiscordSimulator sim, SimBot bot, Arrivals arrivals) {
        SimUser author = sim.createUser("sender");
        var channel = sim.defaultGuild().defaultChannel();
        return new Client("discord", kind, () -> {
            DispatchReceipt r = bot.guildMessage(channel, author, "hello");
            if (!r.accepted()) {
                throw new IllegalStateException("the simulator did not accept an event for " + bot + ": " + r.outcome());
            }
            return r.entityId();
        }, arrivals, ids -> Map.of());
    }

    /**
     * Warm-up rounds until the JIT is quiet (see {@link #MAX_SETTLE_ROUNDS}): the measured trials should find
     * every client's code compiled, not share the 2 cores with C2 compiling it. Reported either way.
     */
    private void settleJit(List<Client> discord) {
        if (sizes.smoke() || discord.isEmpty()) {
            return;
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            report.note("events", "JIT compilation time not available in this JVM: no settle rounds after the warm-up");
            return;
        }
        List<String> rounds = new ArrayList<>();
        boolean quiet = false;
        for (int r = 0; r < MAX_SETTLE_ROUNDS && !quiet; r++) {
            long compiledBefore = jit.getTotalCompilationTime();
            long start = System.nanoTime();
            for (Client c : discord) {
                burst(c, burstSize(c));
                paced(c, SETTLE_PACED_EVENTS);
            }
            double wallMs = (System.nanoTime() - start) / 1e6;
            long compiledMs = jit.getTotalCompilationTime() - compiledBefore;
            quiet = compiledMs <= QUIET_COMPILE_SHARE * wallMs;
            rounds.add(String.format(Locale.ROOT, "%d ms of %.0f", compiledMs, wallMs));
            report.progress("events: settle round " + (r + 1) + ": the JIT compiled " + compiledMs + " ms in "
                    + Math.round(wallMs) + " ms" + (quiet ? " (quiet)" : ""));
        }
        report.note("events", "JIT settle rounds after the warm-up (a burst and " + SETTLE_PACED_EVENTS
                + " paced events per Discord client; compile time of the round's wall time): " + String.join(", ", rounds)
                + (quiet ? "; quiet" : "; still compiling after " + MAX_SETTLE_ROUNDS + " rounds, measured anyway"));
    }

    /** Paced events: latency from push to handler (and to ack), p50 and p99 of this trial. */
    private void latencyTrial(Client c, ClientFigures f) {
        Map<String, Long> pushed = paced(c, sizes.latencyEvents());
        List<Double> handler = new ArrayList<>();
        pushed.forEach((id, at) -> {
            Long seen = c.arrivals().at(id);
            if (seen != null) {
                handler.add((seen - at) / 1e6);
            }
        });
        f.lost += pushed.size() - handler.size();
        f.handlerAll.addAll(handler);
        f.handlerP50.add(percentile(handler, 50));
        f.handlerP99.add(percentile(handler, 99));
        Map<String, Double> acks = c.ackMillis().apply(pushed.keySet());
        if (!acks.isEmpty()) {
            List<Double> ack = new ArrayList<>(acks.values());
            f.ackP50.add(percentile(ack, 50));
            f.ackP99.add(percentile(ack, 99));
        }
    }

    /** Pushes events at the latency rate and waits for them; returns when each was pushed, by id. */
    private Map<String, Long> paced(Client c, int events) {
        Map<String, Long> pushed = new LinkedHashMap<>();
        long interval = 1_000_000_000L / Math.max(1, sizes.latencyRate());
        long next = System.nanoTime();
        for (int i = 0; i < events; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long at = System.nanoTime();
            pushed.put(c.push().get(), at);
            next += interval;
        }
        awaitArrivals(c, pushed.keySet());
        return pushed;
    }

    /** Events pushed back to back; events per second from the first push to the last arrival. */
    private double burst(Client c, int events) {
        List<String> ids = new ArrayList<>(events);
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            ids.add(c.push().get());
        }
        awaitArrivals(c, ids);
        long last = ids.stream().map(c.arrivals()::at).filter(t -> t != null).mapToLong(Long::longValue).max().orElse(start);
        return c.arrivals().countOf(ids) / Math.max(1e-9, (last - start) / 1e9);
    }

    private static void awaitArrivals(Client c, Collection<String> ids) {
        Poll.until(ARRIVE_WITHIN, Duration.ofMillis(5), () -> c.arrivals().countOf(ids) == ids.size());
    }

    private static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return Stats.percentile(sorted, p);
    }

    private void table(Map<Client, ClientFigures> figures) {
        ArrayNode json = Report.MAPPER.createArrayNode();
        List<List<String>> rows = new ArrayList<>();
        for (var e : figures.entrySet()) {
            Client c = e.getKey();
            ClientFigures f = e.getValue();
            ClientFigures base = c.kind().equals(RecoveryBench.GATEHOUSE) ? figures.entrySet().stream()
                    .filter(b -> b.getKey().platform().equals(c.platform()) && b.getKey().kind().equals(RecoveryBench.BARE))
                    .map(Map.Entry::getValue).findFirst().orElse(null) : null;
            Stats rate = Stats.of(f.eventsPerSecond);
            Stats p50 = Stats.of(f.handlerP50);
            Stats p99 = Stats.of(f.handlerP99);
            Stats ack50 = Stats.of(f.ackP50);
            Stats ack99 = Stats.of(f.ackP99);
            double p99All = percentile(f.handlerAll, 99);
            double rateRatio = base == null ? Double.NaN : Figures.ratio(rate, Stats.of(base.eventsPerSecond));
            double p50Ratio = base == null ? Double.NaN : Figures.ratio(p50, Stats.of(base.handlerP50));
            double p99Ratio = base == null ? Double.NaN : Figures.ratio(p99, Stats.of(base.handlerP99));
            double p99AllRatio = base == null ? Double.NaN : p99All / percentile(base.handlerAll, 99);
            double ack50Ratio = base == null ? Double.NaN : Figures.ratio(ack50, Stats.of(base.ackP50));
            rows.add(List.of(c.platform(), c.kind(), rate.format("/s"), base == null ? "" : Figures.times(rateRatio),
                    p50.format("ms"), p99.format("ms"), String.format(Locale.ROOT, "%.2f ms", p99All),
                    base == null ? "" : Figures.times(p50Ratio), base == null ? "" : Figures.times(p99Ratio),
                    base == null ? "" : Figures.times(p99AllRatio),
                    ack50.format("ms"), ack99.format("ms"), base == null || ack50.n() == 0 ? "" : Figures.times(ack50Ratio),
                    Long.toString(f.lost)));
            ObjectNode n = json.addObject();
            n.put("platform", c.platform());
            n.put("client", c.kind());
            n.set("eventsPerSecond", Figures.json(rate));
            n.set("pushToHandlerP50Ms", Figures.json(p50));
            n.set("pushToHandlerP99Ms", Figures.json(p99));
            Figures.putNumber(n, "pushToHandlerP99AllEventsMs", p99All);
            n.set("pushToAckP50Ms", Figures.json(ack50));
            n.set("pushToAckP99Ms", Figures.json(ack99));
            Figures.putNumber(n, "ratioEventsPerSecond", rateRatio);
            Figures.putNumber(n, "ratioHandlerP50", p50Ratio);
            Figures.putNumber(n, "ratioHandlerP99", p99Ratio);
            Figures.putNumber(n, "ratioHandlerP99AllEvents", p99AllRatio);
            Figures.putNumber(n, "ratioAckP50", ack50Ratio);
            n.put("lost", f.lost);
        }
        report.table("events", "3. Event path: one connection per client, " + sizes.burstTrials() + " bursts and "
                        + sizes.eventTrials() + " latency trials each",
                List.of("platform", "client", "events/s (burst) min/med/p95/max", "ratio", "push→handler p50",
                        "push→handler p99", "p99 of all events", "ratio p50", "ratio p99", "ratio p99 all", "push→ack p50", "push→ack p99", "ratio ack", "lost"), rows, json);
        report.note("events", "one host per platform; warm-up: every Discord client first handles "
                + discordWarmUpBursts(sizes) * sizes.discordBurstEvents() + " unmeasured events, every Slack client " + SLACK_WARMUP_BURSTS + " burst (the"
                + " plugin's JDA is its own copy, compiled from scratch); burst: " + sizes.burstEvents() + " (Slack) and "
                + sizes.discordBurstEvents() + " (Discord) events pushed back to back, rate = events / (last arrival −"
                + " first push); latency: " + sizes.latencyEvents() + " events at " + sizes.latencyRate()
                + "/s, p50 and p99 per trial, then min/median/p95/max over trials, and the p99 of all trials' events"
                + " together (" + sizes.eventTrials() * sizes.latencyEvents() + " per client: the 1 % tail is "
                + sizes.eventTrials() * sizes.latencyEvents() / 100 + " events, not 5 per trial); the two clients of a platform take"
                + " turns, which goes first alternating, each trial after a full GC; ack latency is the simulator's"
                + " (write → ack received); Discord has no acks; ratios are Gatehouse median / bare median;"
                + " the simulator runs in the same JVM and takes its share of the 2 cores.");
    }
}
