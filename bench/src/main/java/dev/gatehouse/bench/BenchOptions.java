package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.api.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The command line. Every size and duration can be set; an option left out takes its default, or with
 * {@code --smoke} its tiny smoke value. {@link #resolve()} turns the options into the {@link Sizes} the
 * sections run with.
 */
@Command(name = "gatehouse-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmarks Gatehouse against the loopback simulators and the bare libraries, in one run.",
            "Prints tables and writes bench-<timestamp>.json to the results folder."})
final class BenchOptions {

    static final List<String> SECTIONS = List.of("idle", "recovery", "events", "scale", "reload", "cluster");

    @Option(names = "--dist", description = "Folder with plugins/*.jar from `mvn package` (default: dist).")
    Path dist;

    @Option(names = "--results", description = "Where the JSON goes (default: bench/results).")
    Path results = Path.of("bench", "results");

    @Option(names = "--only", split = ",", description = "Sections to run: idle,recovery,events,scale,reload (default: all).")
    List<String> only;

    @Option(names = "--smoke", description = "Tiny sizes: checks that everything runs, measures nothing of worth.")
    boolean smoke;

    @Option(names = "--idle-connections", description = "Slack connections per mode in section 1 (default 10).")
    Integer idleConnections;

    @Option(names = "--idle-simulated", converter = DurationConverter.class,
            description = "Simulated idle period in section 1 (default 1h).")
    Duration idleSimulated;

    @Option(names = "--idle-speedup", description = "Every host policy timing is divided by this in section 1 (default 60).")
    Integer idleSpeedup;

    @Option(names = "--recovery-trials", description = "Trials per fault and client, run in parallel (default 20).")
    Integer recoveryTrials;

    @Option(names = "--slack-faults", split = ",",
            description = "abrupt-close,rst,half-open,refresh,black-hole,outage (default: all).")
    List<String> slackFaults;

    @Option(names = "--discord-faults", split = ",",
            description = "fin,zombie,black-hole,op7,op9-false,storm (default: all).")
    List<String> discordFaults;

    @Option(names = "--discord-heartbeat", converter = DurationConverter.class,
            description = "heartbeat_interval the Discord simulator announces in sections 2, 3, 5 (default 2s).")
    Duration discordHeartbeat;

    @Option(names = "--outage", converter = DurationConverter.class,
            description = "How long apps.connections.open fails in the Slack outage fault (default 3s).")
    Duration outage;

    @Option(names = "--storm", converter = DurationConverter.class,
            description = "How long the Discord gateway accepts then drops every connection (default 3s).")
    Duration storm;

    @Option(names = "--trial-timeout", converter = DurationConverter.class,
            description = "A recovery trial not recovered within this counts as a timeout (default 60s).")
    Duration trialTimeout;

    @Option(names = "--event-trials", description = "Latency trials per client in section 3 (default 5).")
    Integer eventTrials;

    @Option(names = "--burst-trials", description = "Throughput trials (bursts) per client in section 3 (default 20).")
    Integer burstTrials;

    @Option(names = "--latency-events", description = "Paced events per latency trial (default 500).")
    Integer latencyEvents;

    @Option(names = "--latency-rate", description = "Pace of the latency trials, events per second (default 250).")
    Integer latencyRate;

    @Option(names = "--burst-events", description = "Events pushed back to back per Slack throughput trial (default 2000;"
            + " the bare SDK takes about 1,000/s).")
    Integer burstEvents;

    @Option(names = "--discord-burst-events", description = "Events pushed back to back per Discord throughput trial"
            + " (default 5000).")
    Integer discordBurstEvents;

    @Option(names = "--slack-scale", split = ",", description = "Slack workspace counts to ramp through (default 10,50,100).")
    List<Integer> slackScale;

    @Option(names = "--discord-scale", split = ",", description = "Discord bot counts to ramp through (default 10,50,100).")
    List<Integer> discordScale;

    @Option(names = "--mixed-scale", split = ",", description = "Slack workspaces and as many Discord bots in one host,"
            + " side by side, counts to ramp through; 0 = none (default 500).")
    List<Integer> mixedScale;

    @Option(names = "--bare-scale", description = "Bare clients per library measured as the scale baseline; 0 = none (default 50).")
    Integer bareScale;

    @Option(names = "--idle-window", converter = DurationConverter.class,
            description = "CPU measurement window of an idle fleet in section 4 and of an idle host in section 6 (default 5s).")
    Duration idleWindow;

    @Option(names = "--scale-settle", converter = DurationConverter.class,
            description = "Section 4 measures once the thread count held still this long after connecting (default 2s).")
    Duration scaleSettle;

    @Option(names = "--histogram", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Class histogram of the per-connection heap in section 4 (default on; --no-histogram skips it).")
    boolean histogram;

    @Option(names = "--reload-swaps", description = "Hot swaps of each plugin (Slack, then Discord) in section 5 (default 20).")
    Integer reloadSwaps;

    @Option(names = "--reload-workspaces", description = "Slack workspaces receiving events during the swaps (default 3).")
    Integer reloadWorkspaces;

    @Option(names = "--reload-settle", converter = DurationConverter.class,
            description = "After the swaps, wait up to this long for the old class loaders to be collected (default 90s,"
                    + " the host's leakCheckTimeout).")
    Duration reloadSettle;

    @Option(names = "--reload-push-every", converter = DurationConverter.class,
            description = "One event per workspace this often during the swaps (default 20ms).")
    Duration reloadPushEvery;

    @Option(names = "--cluster-timeouts", split = ",", converter = DurationConverter.class,
            description = "Section 6: the cluster.sessionTimeout values to measure takeover at (default 4s,10s).")
    List<Duration> clusterTimeouts;

    @Option(names = "--cluster-trials", description = "Section 6: host kills per session timeout (default 5).")
    Integer clusterTrials;

    @Option(names = "--cluster-connections", description = "Section 6: connections shared by the hosts, 3 in 4 on Slack (default 24).")
    Integer clusterConnections;

    @Option(names = "--cluster-hosts", description = "Section 6: hosts joining one by one in the balance run (default 4; with 3 or more, one is also killed).")
    Integer clusterHosts;

    /** The values the sections run with. */
    record Sizes(Path dist, Path results, Set<String> sections, boolean smoke,
            int idleConnections, Duration idleSimulated, int idleSpeedup,
            int recoveryTrials, List<String> slackFaults, List<String> discordFaults, Duration discordHeartbeat,
            Duration outage, Duration storm, Duration trialTimeout,
            int eventTrials, int burstTrials, int latencyEvents, int latencyRate, int burstEvents, int discordBurstEvents,
            List<Integer> slackScale, List<Integer> discordScale, List<Integer> mixedScale, int bareScale,
            Duration idleWindow, Duration scaleSettle,
            boolean histogram,
            int reloadSwaps, int reloadWorkspaces, Duration reloadPushEvery, Duration reloadSettle,
            List<Duration> clusterTimeouts, int clusterTrials, int clusterConnections, int clusterHosts) {

        boolean runs(String section) {
            return sections.contains(section);
        }

        /** The parameters as they go into the JSON report. */
        ObjectNode toJson() {
            ObjectNode n = Report.MAPPER.createObjectNode();
            for (var c : Sizes.class.getRecordComponents()) {
                try {
                    Object v = c.getAccessor().invoke(this);
                    n.set(c.getName(), Report.MAPPER.valueToTree(v instanceof Duration d ? Durations.format(d)
                            : v instanceof Path p ? p.toString()
                            : v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Duration
                                    ? l.stream().map(x -> Durations.format((Duration) x)).toList() : v));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return n;
        }
    }

    Sizes resolve() {
        Set<String> sections = Set.copyOf(only == null ? SECTIONS : only.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList());
        for (String s : sections) {
            if (!SECTIONS.contains(s)) {
                throw new IllegalArgumentException("--only: unknown section '" + s + "'; known: " + String.join(",", SECTIONS));
            }
        }
        Path distDir = dist != null ? dist : Path.of(System.getProperty("gatehouse.dist", "dist"));
        Sizes sizes = new Sizes(distDir, results, sections, smoke,
                pick(idleConnections, 10, 2), pick(idleSimulated, Duration.ofHours(1), Duration.ofMinutes(3)),
                pick(idleSpeedup, 60, 60),
                pick(recoveryTrials, 20, 2), faults(slackFaults, SlackFault.names(), List.of("refresh")),
                faults(discordFaults, DiscordFault.names(), List.of("fin")),
                pick(discordHeartbeat, Duration.ofSeconds(2), Duration.ofSeconds(1)),
                pick(outage, Duration.ofSeconds(3), Duration.ofSeconds(1)),
                pick(storm, Duration.ofSeconds(3), Duration.ofSeconds(1)),
                pick(trialTimeout, Duration.ofSeconds(60), Duration.ofSeconds(30)),
                pick(eventTrials, 5, 1), pick(burstTrials, 20, 1), pick(latencyEvents, 500, 20), pick(latencyRate, 250, 100),
                pick(burstEvents, 2000, 20), pick(discordBurstEvents, 5000, 20),
                pick(slackScale, List.of(10, 50, 100), List.of(2)), pick(discordScale, List.of(10, 50, 100), List.of(2)),
                pick(mixedScale, List.of(500), List.of(2)),
                pick(bareScale, 50, 1), pick(idleWindow, Duration.ofSeconds(5), Duration.ofSeconds(1)),
                pick(scaleSettle, Duration.ofSeconds(2), Duration.ofMillis(500)), histogram,
                pick(reloadSwaps, 20, 2), pick(reloadWorkspaces, 3, 1), pick(reloadPushEvery, Duration.ofMillis(20),
                        Duration.ofMillis(50)), pick(reloadSettle, Duration.ofSeconds(90), Duration.ofSeconds(5)),
                pick(clusterTimeouts, List.of(Duration.ofSeconds(4), Duration.ofSeconds(10)), List.of(Duration.ofSeconds(4))),
                pick(clusterTrials, 5, 1), pick(clusterConnections, 24, 3), pick(clusterHosts, 4, 2));
        if (sizes.runs("events")) {
            EventPathBench.requireWithinDedupeTables(sizes);
        }
        return sizes;
    }

    private <T> T pick(T given, T normal, T tiny) {
        return given != null ? given : smoke ? tiny : normal;
    }

    private List<String> faults(List<String> given, List<String> known, List<String> tiny) {
        List<String> chosen = pick(given, known, tiny);
        List<String> out = new ArrayList<>();
        for (String f : chosen) {
            String name = f.trim().toLowerCase(Locale.ROOT);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown fault '" + f + "'; known: " + String.join(",", known));
            }
            out.add(name);
        }
        return out;
    }

    /** Durations in the configuration's syntax: 500ms, 10s, 5m, 1h. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value);
        }
    }
}
