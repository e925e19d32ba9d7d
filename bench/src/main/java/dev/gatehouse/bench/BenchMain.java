package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * {@code java -jar bench/target/gatehouse-bench.jar [options]}: runs the selected sections in order, prints
 * their tables and writes {@code bench-<timestamp>.json} (and the run's log) to the results folder.
 * Exit code 0 when every section ran, 1 when one failed (its error is in the report), 2 for a bad command line.
 */
public final class BenchMain {

    private final BenchOptions.Sizes sizes;
    private final PrintStream out;

    private BenchMain(BenchOptions.Sizes sizes, PrintStream out) {
        this.sizes = sizes;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** Parses {@code args}, runs, and returns the exit code. */
    static int run(PrintStream out, String... args) {
        BenchOptions options = new BenchOptions();
        CommandLine cl = new CommandLine(options);
        BenchOptions.Sizes sizes;
        try {
            cl.parseArgs(args);
            if (cl.isUsageHelpRequested()) {
                cl.usage(out);
                return 0;
            }
            sizes = options.resolve();
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            System.err.println("gatehouse-bench: " + e.getMessage());
            cl.usage(System.err);
            return 2;
        }
        try {
            return new BenchMain(sizes, out).runSections();
        } catch (IOException e) {
            System.err.println("gatehouse-bench: " + e);
            return 1;
        }
    }

    private int runSections() throws IOException {
        Files.createDirectories(sizes.results());
        Report report = new Report(out, sizes.toJson(), sizes.results());
        BenchLogging.toFile(report.logFile());
        Dist dist = Dist.at(sizes.dist());
        Path work = Files.createTempDirectory("gatehouse-bench-");
        UncaughtExceptions uncaught = UncaughtExceptions.install();
        ObjectNode seconds = report.section("sectionSeconds");
        long started = System.nanoTime();
        boolean failed = false;
        try {
            for (String section : BenchOptions.SECTIONS) {
                if (!sizes.runs(section)) {
                    continue;
                }
                long sectionStart = System.nanoTime();
                report.progress(section + ": starting");
                try {
                    switch (section) {
                        case "idle" -> new IdleBench(sizes, dist, work, report).run();
                        case "recovery" -> new RecoveryBench(sizes, dist, work, report).run();
                        case "events" -> new EventPathBench(sizes, dist, work, report).run();
                        case "scale" -> new ScaleBench(sizes, work, report).run();
                        case "reload" -> new ReloadBench(sizes, work, report).run();
                        case "cluster" -> new ClusterBench(sizes, work, report).run();
                        default -> throw new IllegalStateException(section);
                    }
                } catch (Exception e) {
                    failed = true;
                    report.note(section, "section failed: " + e);
                    e.printStackTrace();
                }
                seconds.put(section, Math.round((System.nanoTime() - sectionStart) / 1e9));
            }
        } finally {
            BareLibraries.stopStaticThreads();
            deleteQuietly(work);
            uncaught.close();
        }
        if (!uncaught.counts().isEmpty()) {
            report.note("run", "exceptions that escaped library or host threads (stack traces in the log): "
                    + uncaught.counts());
        }
        seconds.put("total", Math.round((System.nanoTime() - started) / 1e9));
        Path json = report.write();
        report.say("\nwrote " + json + " (log: " + report.logFile() + ") in " + seconds.get("total").asLong() + " s");
        return failed ? 1 : 0;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("gatehouse-bench: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
