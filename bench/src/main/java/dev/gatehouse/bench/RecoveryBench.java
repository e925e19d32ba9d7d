package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.IntStream;

/**
 * Section 2: for every fault the simulators can inject, the time from the fault to connected again and to
 * the first event handled, through Gatehouse (the real host, production health policy) and through the
 * bare library, in the same run. The trials of one fault run side by side, one per workspace or bot.
 */
final class RecoveryBench {

    static final String GATEHOUSE = "gatehouse";
    static final String BARE = "bare";
    private static final Duration CONNECT_WITHIN = Duration.ofSeconds(120);

    private final BenchOptions.Sizes sizes;
    private final Dist dist;
    private final Path work;
    private final Report report;

    RecoveryBench(BenchOptions.Sizes sizes, Dist dist, Path work, Report report) {
        this.sizes = sizes;
        this.dist = dist;
        this.work = work;
        this.report = report;
    }

    void run() throws Exception {
        List<RoundResult> slack = sizes.slackFaults().isEmpty() ? List.of() : slack();
        List<RoundResult> discord = sizes.discordFaults().isEmpty() ? List.of() : discord();
        ArrayNode json = Report.MAPPER.createArrayNode();
        List<List<String>> rows = new ArrayList<>();
        addRows("slack", slack, rows, json);
        addRows("discord", discord, rows, json);
        report.table("recovery", "2. Recovery: fault → connected again / → first event handled (ms)",
                List.of("platform", "fault", "client", "connected again min/med/p95/max", "first event min/med/p95/max",
                        "ratio conn", "ratio event", "sockets opened", "max open", "timeouts"), rows, json);
        report.note("recovery", sizes.recoveryTrials() + " trials per fault and client, run in parallel on as many"
                + " workspaces/bots (Gatehouse's and the bare library's rounds of a fault at the same time, on separate"
                + " simulators), their faults spread over one period of the library's own timer (Slack: the SDK's 5 s"
                + " session monitor; Discord: the heartbeat; the storm hits the whole gateway at once); Gatehouse runs"
                + " the production health policy; ratios are Gatehouse median / bare median; 'connected again' is seen"
                + " from the simulator, at the moment it recorded (Slack: the next socket opened and got hello; Discord:"
                + " READY or RESUMED sent on a newer socket, at or after the fault); an event is pushed every " + TrialLoop.PROBE_EVERY.toMillis()
                + " ms until the handler sees one; Discord heartbeat_interval " + sizes.discordHeartbeat().toMillis()
                + " ms; outage " + sizes.outage().toMillis() + " ms and storm "
                + sizes.storm().toMillis() + " ms are timed from their end.");
    }

    private List<RoundResult> slack() throws Exception {
        int k = sizes.recoveryTrials();
        List<RoundResult> results = new ArrayList<>();
        try (SlackSimulator hostSim = SlackSimulator.builder().routeThroughProxyByDefault(true).start();
                SlackSimulator bareSim = SlackSimulator.builder().routeThroughProxyByDefault(true).start()) {
            List<SimSlackApp> hostApps = IntStream.range(0, k).mapToObj(i -> hostSim.registerApp()).toList();
            List<SimSlackApp> bareApps = IntStream.range(0, k).mapToObj(i -> bareSim.registerApp()).toList();
            Arrivals hostArrivals = new Arrivals();
            Arrivals bareArrivals = new Arrivals();
            List<HostRig.Workspace> workspaces = IntStream.range(0, k).mapToObj(i -> HostRig.Workspace.slack(
                    String.format(Locale.ROOT, "s%03d", i), hostApps.get(i).appToken(), hostApps.get(i).botToken(),
                    hostSim.apiUrl(), true)).toList();
            Path dir = Files.createDirectories(work.resolve("recovery-slack"));
            try (HostRig rig = HostRig.start(dir, dist.pluginsFolder(dir, true, false), HealthPolicy.defaults(), workspaces,
                    (ws, platform, e) -> {
                        if (e instanceof MessageEvent m) {
                            hostArrivals.seen(m.messageId());
                        }
                    })) {
                List<Callable<BareSlack>> starts = bareApps.stream().<Callable<BareSlack>>map(app ->
                        () -> BareSlack.start(bareSim.apiUrl(), app.appToken(), app.botToken(), bareArrivals)).toList();
                List<BareSlack> bare = Parallel.startAll(starts, 4);
                try {
                    rig.awaitAllConnected(CONNECT_WITHIN);
                    SlackRound host = new SlackRound(GATEHOUSE, hostSim, hostApps, hostArrivals);
                    SlackRound lib = new SlackRound(BARE, bareSim, bareApps, bareArrivals);
                    for (String key : sizes.slackFaults()) {
                        SlackFault fault = SlackFault.of(key);
                        rounds("slack", fault.key(), () -> host.run(fault, sizes.outage(), sizes.trialTimeout()),
                                () -> lib.run(fault, sizes.outage(), sizes.trialTimeout()), results);
                    }
                } finally {
                    Parallel.closeAll(bare);
                }
            }
        }
        return results;
    }

    private List<RoundResult> discord() throws Exception {
        int k = sizes.recoveryTrials();
        List<RoundResult> results = new ArrayList<>();
        try (DiscordSimulator hostSim = DiscordSimulator.builder().heartbeatInterval(sizes.discordHeartbeat()).start();
                DiscordSimulator bareSim = DiscordSimulator.builder().heartbeatInterval(sizes.discordHeartbeat()).start()) {
            List<SimBot> hostBots = IntStream.range(0, k).mapToObj(i -> hostSim.registerBot("bench-host-" + i)).toList();
            List<SimBot> bareBots = IntStream.range(0, k).mapToObj(i -> bareSim.registerBot("bench-bare-" + i)).toList();
            Arrivals hostArrivals = new Arrivals();
            Arrivals bareArrivals = new Arrivals();
            List<HostRig.Workspace> workspaces = IntStream.range(0, k).mapToObj(i -> HostRig.Workspace.discord(
                    String.format(Locale.ROOT, "d%03d", i), hostBots.get(i).token(), hostSim.restBaseUrl(),
                    hostSim.gatewayUrl())).toList();
            Path dir = Files.createDirectories(work.resolve("recovery-discord"));
            try (HostRig rig = HostRig.start(dir, dist.pluginsFolder(dir, false, true), HealthPolicy.defaults(), workspaces,
                    (ws, platform, e) -> {
                        if (e instanceof MessageEvent m) {
                            hostArrivals.seen(m.messageId());
                        }
                    })) {
                List<Callable<BareJda>> starts = bareBots.stream().<Callable<BareJda>>map(bot ->
                        () -> BareJda.start(bareSim.restBaseUrl(), bareSim.gatewayUrl(), bot.token(), bareArrivals)).toList();
                List<BareJda> bare = new ArrayList<>(Parallel.startAll(starts, 4));
                try {
                    rig.awaitAllConnected(CONNECT_WITHIN);
                    DiscordRound host = new DiscordRound(GATEHOUSE, hostSim, hostBots, hostArrivals, sizes.discordHeartbeat(),
                            null);
                    DiscordRound lib = new DiscordRound(BARE, bareSim, bareBots, bareArrivals, sizes.discordHeartbeat(), i -> {
                        synchronized (bare) {
                            bare.get(i).close();
                            bare.set(i, BareJda.start(bareSim.restBaseUrl(), bareSim.gatewayUrl(), bareBots.get(i).token(),
                                    bareArrivals));
                        }
                    });
                    for (String key : sizes.discordFaults()) {
                        DiscordFault fault = DiscordFault.of(key);
                        rounds("discord", fault.key(), () -> host.run(fault, sizes.storm(), sizes.trialTimeout()),
                                () -> lib.run(fault, sizes.storm(), sizes.trialTimeout()), results);
                    }
                    lib.restarts().forEach(r -> report.note("recovery", "discord bare: JDA restarted after it stayed"
                            + " unsettled 30 s past a round (the rounds after it measured its fresh copy): " + r));
                } finally {
                    synchronized (bare) {
                        Parallel.closeAll(bare);
                    }
                }
            }
        }
        return results;
    }

    /**
     * Runs the Gatehouse and the bare round of one fault at the same time (separate simulators, so they only
     * share the machine, equally); a round that cannot run (its clients never settle) is noted, the rest go on.
     */
    private void rounds(String platform, String fault, Callable<RoundResult> gatehouse, Callable<RoundResult> bare,
            List<RoundResult> into) throws InterruptedException {
        report.progress("recovery: " + platform + " " + fault);
        FutureTask<RoundResult> bareRound = new FutureTask<>(bare);
        Thread bareThread = new Thread(bareRound, "bench-bare-round");
        bareThread.setDaemon(true);
        bareThread.start();
        collect(platform, fault, GATEHOUSE, gatehouse, into);
        collect(platform, fault, BARE, bareRound::get, into);
        bareThread.join();
    }

    private void collect(String platform, String fault, String client, Callable<RoundResult> round, List<RoundResult> into) {
        try {
            into.add(round.call());
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            report.note("recovery", platform + " " + fault + " " + client + ": round not measured: " + cause.getMessage());
        }
    }

    private static void addRows(String platform, List<RoundResult> results, List<List<String>> rows, ArrayNode json) {
        for (RoundResult r : results) {
            RoundResult baseline = r.client().equals(GATEHOUSE) ? results.stream()
                    .filter(b -> b.fault().equals(r.fault()) && b.client().equals(BARE)).findFirst().orElse(null) : null;
            double ratioConnected = baseline == null ? Double.NaN : Figures.ratio(r.connected(), baseline.connected());
            double ratioEvent = baseline == null ? Double.NaN : Figures.ratio(r.firstEvent(), baseline.firstEvent());
            Stats opened = Stats.of(r.socketsOpened());
            Stats maxOpen = Stats.of(r.maxOpenAtOnce());
            rows.add(List.of(platform, r.fault(), r.client(), r.connected().format("ms"), r.firstEvent().format("ms"),
                    r.client().equals(GATEHOUSE) ? Figures.times(ratioConnected) : "",
                    r.client().equals(GATEHOUSE) ? Figures.times(ratioEvent) : "",
                    Figures.num(opened.median()) + " (max " + Figures.num(opened.max()) + ")",
                    Figures.num(maxOpen.max()), Integer.toString(r.trials().timeouts())));
            ObjectNode n = json.addObject();
            n.put("platform", platform);
            n.put("fault", r.fault());
            n.put("description", r.description());
            n.put("client", r.client());
            n.put("trials", r.trials().connected().length);
            n.set("connectedMs", Figures.json(r.connected()));
            n.set("firstEventMs", Figures.json(r.firstEvent()));
            Figures.putNumber(n, "ratioConnected", ratioConnected);
            Figures.putNumber(n, "ratioFirstEvent", ratioEvent);
            n.set("socketsOpenedPerTrial", Figures.json(opened));
            n.set("maxOpenAtOnce", Figures.json(maxOpen));
            n.put("timeouts", r.trials().timeouts());
        }
    }
}
