package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The child JVM of section 4: one fleet (Gatehouse or bare, one platform) grown through the steps in a
 * fresh process that measures itself, so its resident memory, threads and idle CPU are its own — the
 * simulators stay in the parent. Writes its figures to {@code --out} as JSON.
 */
@Command(name = "scale-probe")
final class ScaleProbe implements Callable<Integer> {

    static final List<String> FLEETS = List.of("host-slack", "host-discord", "host-both", "bare-slack", "bare-discord");

    @Option(names = "--fleet", required = true)
    String fleet;

    @Option(names = "--steps", split = ",", required = true)
    List<Integer> steps;

    @Option(names = "--accounts", required = true)
    Path accounts;

    @Option(names = "--dist", required = true)
    Path dist;

    @Option(names = "--work", required = true)
    Path work;

    @Option(names = "--idle-window", converter = BenchOptions.DurationConverter.class, required = true)
    Duration idleWindow;

    /** Thread counts must hold still this long before a measurement, so connect-time helpers have ended. */
    @Option(names = "--settle", converter = BenchOptions.DurationConverter.class, required = true)
    Duration settle;

    @Option(names = "--histogram", arity = "1", required = true)
    boolean histogram;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--log", required = true)
    Path log;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScaleProbe()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchLogging.toFile(log);
        ScaleAccounts acc = ScaleAccounts.read(accounts);
        ObjectNode result = Report.MAPPER.createObjectNode();
        result.put("fleet", fleet);
        try (Fleet f = create(acc)) {
            f.warmUp();
            awaitQuietThreads();
            // Taken twice: the baseline then holds one histogram alive, as the last step will hold the baseline's,
            // so the histogram's own memory cancels out of the growth.
            Map<String, ClassHistogram.Entry> before = histogram ? ClassHistogram.take() : Map.of();
            before = histogram ? ClassHistogram.take() : before;
            Footprint baseline = Footprint.measure(idleWindow);
            result.set("baseline", baseline.toJson());
            ArrayNode stepsJson = result.putArray("steps");
            for (int n : steps) {
                long start = System.nanoTime();
                f.growTo(n);
                int clients = f.clientsAt(n);
                Poll.require(Duration.ofSeconds(60 + clients), clients + " " + fleet + " clients to connect",
                        () -> f.connected() >= clients);
                long connectNanos = System.nanoTime() - start;
                awaitQuietThreads();
                ObjectNode step = stepsJson.addObject();
                step.put("n", n);
                step.put("connections", clients);
                step.put("connectMs", connectNanos / 1_000_000);
                step.set("footprint", Footprint.measure(idleWindow).toJson());
            }
            if (histogram) {
                int last = f.clientsAt(steps.get(steps.size() - 1));
                ArrayNode top = result.putArray("histogramGrowth");
                for (ClassHistogram.Entry e : ClassHistogram.growth(before, ClassHistogram.take(), 12)) {
                    ObjectNode row = top.addObject();
                    row.put("class", e.className());
                    row.put("bytesPerConnection", e.bytes() / last);
                    row.put("instancesPerConnection", Figures.round((double) e.instances() / last));
                }
            }
        }
        Report.MAPPER.writeValue(out.toFile(), result);
        return 0;
    }

    private Fleet create(ScaleAccounts acc) throws Exception {
        Dist d = Dist.at(dist);
        return switch (fleet) {
            case "host-slack" -> new HostFleet("slack", acc, d, work);
            case "host-discord" -> new HostFleet("discord", acc, d, work);
            case "host-both" -> new HostFleet("both", acc, d, work);
            case "bare-slack" -> new BareSlackFleet(acc);
            case "bare-discord" -> new BareJdaFleet(acc);
            default -> throw new IllegalArgumentException("unknown fleet " + fleet + "; known: " + FLEETS);
        };
    }

    /** Waits (at most 20 s) until the thread count held still for {@link #settle}. */
    private void awaitQuietThreads() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int last = ThreadCensus.total(ThreadCensus.take(name -> false));
        long stableSince = System.nanoTime();
        while (System.nanoTime() - deadline < 0) {
            Poll.pause(Duration.ofMillis(200));
            int now = ThreadCensus.total(ThreadCensus.take(name -> false));
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= settle.toNanos()) {
                return;
            }
        }
    }
}
