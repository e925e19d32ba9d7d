package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.api.Durations;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Section 5, hot reload: the real Slack plugin swapped again and again ({@code GatewayHost.reloadPlugin})
 * while events keep arriving on every workspace. Swap time, events lost (Slack redelivers what was not
 * acknowledged, so none may be) and handled twice, and metaspace, threads and classes after the swaps
 * against the same figures before them.
 *
 * <p>Measured in a child JVM ({@link ReloadProbe}) whose class path is the host's runnable jar
 * ({@code dist/gatehouse.jar}) plus the benchmark's own classes: no bare library is on it, so a plugin
 * class can only come from the plugin, as in production.
 */
final class ReloadBench {

    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(20);

    private final BenchOptions.Sizes sizes;
    private final Path work;
    private final Report report;

    ReloadBench(BenchOptions.Sizes sizes, Path work, Report report) {
        this.sizes = sizes;
        this.work = work;
        this.report = report;
    }

    void run() throws Exception {
        Path dir = Files.createDirectories(work.resolve("reload"));
        Path hostJar = sizes.dist().resolve("gatehouse.jar");
        if (!Files.isRegularFile(hostJar)) {
            throw new IllegalStateException("no " + hostJar.toAbsolutePath() + "; build it with mvn -B -q package -DskipTests");
        }
        Path out = dir.resolve("reload.json");
        Path log = report.logFile().resolveSibling(report.logFile().getFileName().toString().replace(".log", "-reload.log"));
        report.progress("reload: " + sizes.reloadSwaps() + " swaps in a fresh JVM on the host's own class path");
        ChildJvm.run(ReloadProbe.class, benchClasses(dir) + File.pathSeparator + hostJar.toAbsolutePath(), List.of(
                "--dist", sizes.dist().toAbsolutePath().toString(), "--work", dir.resolve("host").toString(),
                "--swaps", Integer.toString(sizes.reloadSwaps()), "--workspaces", Integer.toString(sizes.reloadWorkspaces()),
                "--push-every", Durations.format(sizes.reloadPushEvery()), "--settle", Durations.format(sizes.reloadSettle()),
                "--out", out.toString(), "--log", log.toString()), log, CHILD_TIMEOUT);
        table(Report.MAPPER.readValue(out.toFile(), ReloadFigures.class));
    }

    /**
     * The benchmark's own classes for the child: the classes folder when run from it (tests), else those
     * entries copied out of the benchmark's jar, which also holds every library.
     */
    private static Path benchClasses(Path dir) throws IOException, URISyntaxException {
        Path source = Path.of(ReloadBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(source)) {
            return source;
        }
        Path classes = Files.createDirectories(dir.resolve("bench-classes"));
        try (JarFile jar = new JarFile(source.toFile())) {
            for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
                String name = e.getName();
                if (!e.isDirectory() && (name.startsWith("dev/gatehouse/bench/") || name.equals("bench-logback.xml"))) {
                    Path target = classes.resolve(name);
                    Files.createDirectories(target.getParent());
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        return classes;
    }

    private void table(ReloadFigures f) {
        int swaps = f.swapMs().size();
        ReloadFigures.Snapshot before = f.before();
        ReloadFigures.Snapshot after = f.after();
        ReloadFigures.Snapshot settled = f.settled();
        Stats swap = Stats.of(f.swapMs());
        Stats connected = Stats.of(f.swapToConnectedMs());
        Stats traffic = Stats.of(f.swapToTrafficMs());
        long lost = f.eventsCreated() - f.eventsHandled();
        List<List<String>> rows = List.of(
                List.of("swaps (outcomes)", swaps + " " + f.outcomes()),
                List.of("swap time (reloadPlugin → done) min/med/p95/max", swap.format("ms")),
                List.of("swap → every workspace CONNECTED", connected.format("ms")),
                List.of("swap → every bot handled a new event", traffic.format("ms")),
                List.of("events created / handled / lost / handled twice", f.eventsCreated() + " / " + f.eventsHandled()
                        + " / " + lost + " / " + f.handledTwice()),
                List.of("events held back (no socket open when created)", Long.toString(f.heldBack())),
                List.of("simulator redeliveries / events it gave up on", f.redeliveries() + " / " + f.abandoned()),
                List.of("metaspace before → right after → settled", String.format(Locale.ROOT,
                        "%.1f → %.1f → %.1f MiB (%+.2f MiB per swap once settled)", before.metaspaceMiB(),
                        after.metaspaceMiB(), settled.metaspaceMiB(), (settled.metaspaceMiB() - before.metaspaceMiB()) / swaps)),
                List.of("heap after GC before → right after → settled", String.format(Locale.ROOT, "%.1f → %.1f → %.1f MiB",
                        before.heapMiB(), after.heapMiB(), settled.heapMiB())),
                List.of("threads before → settled (growth by pattern)", before.threads() + " → " + settled.threads() + " "
                        + ThreadCensus.growth(before.threadPatterns(), settled.threadPatterns())),
                List.of("classes loaded before → right after → settled", before.loadedClasses() + " → "
                        + after.loadedClasses() + " → " + settled.loadedClasses()),
                List.of("swapped-out plugin class loaders collected", f.loadersCollected() + " of " + f.loadersSwappedOut()
                        + " within " + f.settleMs() / 1000 + " s of the last swap"),
                List.of("host's leak check flagged a plugin", Boolean.toString(f.leakSuspected())));
        ArrayNode json = Report.MAPPER.createArrayNode();
        ObjectNode n = json.addObject();
        n.put("swaps", swaps);
        n.set("outcomes", Report.MAPPER.valueToTree(f.outcomes()));
        n.set("swapMs", Figures.json(swap));
        n.set("swapToAllConnectedMs", Figures.json(connected));
        n.set("swapToTrafficMs", Figures.json(traffic));
        n.put("eventsCreated", f.eventsCreated());
        n.put("eventsHandled", f.eventsHandled());
        n.put("eventsLost", lost);
        n.put("eventsHandledTwice", f.handledTwice());
        n.put("eventsHeldBack", f.heldBack());
        n.put("redeliveries", f.redeliveries());
        n.put("eventsAbandonedBySimulator", f.abandoned());
        n.set("before", Report.MAPPER.valueToTree(before));
        n.set("rightAfter", Report.MAPPER.valueToTree(after));
        n.set("settled", Report.MAPPER.valueToTree(settled));
        n.put("loadersSwappedOut", f.loadersSwappedOut());
        n.put("loadersCollected", f.loadersCollected());
        n.put("settleMs", f.settleMs());
        n.put("leakSuspected", f.leakSuspected());
        report.table("reload", "5. Hot reload: the Slack plugin swapped " + swaps + " times, " + sizes.reloadWorkspaces()
                + " workspaces, one event per workspace every " + sizes.reloadPushEvery().toMillis() + " ms",
                List.of("figure", "value"), rows, json);
        report.note("reload", "swaps measured: " + swaps + (swaps < 100 ? " (the issue's 100 with --reload-swaps 100; fewer"
                + " by default to fit the 10-minute run)" : "") + "; one unmeasured warm-up swap before the baseline; each"
                + " swap waits until every bot handled an event pushed after it; run in a fresh JVM on the host's own"
                + " class path; 'settled' = after waiting up to " + Durations.format(sizes.reloadSettle())
                + " (GC every second) for the swapped-out class loaders to be collected.");
    }
}
