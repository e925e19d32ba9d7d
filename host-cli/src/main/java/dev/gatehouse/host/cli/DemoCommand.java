package dev.gatehouse.host.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import dev.gatehouse.host.demo.ClusterDemo;
import dev.gatehouse.host.demo.Demo;
import dev.gatehouse.host.demo.HostJvm;
import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.exit.SystemProcessExit;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatehouse demo}: the whole system on loopback, no tokens needed. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the host with the real Slack and Discord plugins against loopback simulators (no accounts or"
                + " tokens), with a small bot that answers messages, injects a fault every ~20 s and shows a live table."
                + " Ctrl-C stops it.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--plugins", paramLabel = "DIR", description = "folder with the plugin jars (default: plugins/ next to"
            + " gatehouse.jar, else dist/plugins)")
    Path plugins;
    @Option(names = "--workdir", paramLabel = "DIR", defaultValue = "gatehouse-demo",
            description = "where the demo writes its configuration, heartbeat and log (default: ${DEFAULT-VALUE})")
    Path workDir;
    @Option(names = "--admin-port", defaultValue = "8686", description = "admin API port; 0 or a busy port picks a free one")
    int adminPort;
    @Option(names = "--fault-every", defaultValue = "20s", converter = DurationConverter.class,
            description = "time between injected faults (default: ${DEFAULT-VALUE})")
    Duration faultEvery;
    @Option(names = "--duration", defaultValue = "0s", converter = DurationConverter.class,
            description = "stop by itself after this long; 0s runs until Ctrl-C")
    Duration duration;
    @Option(names = "--plain", description = "print a status line every 5 s instead of redrawing the table")
    boolean plain;
    @Option(names = "--hosts", defaultValue = "1", description = "1 runs one host in this process; 2 to 9 run a cluster: an"
            + " embedded ZooKeeper server and that many hosts, each in its own JVM, one of them killed every --kill-every"
            + " (default: ${DEFAULT-VALUE})")
    int hosts;
    @Option(names = "--kill-every", defaultValue = "30s", converter = DurationConverter.class,
            description = "with --hosts: time between host kills (SIGKILL); the host starts again 10 s later (default: ${DEFAULT-VALUE})")
    Duration killEvery;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Optional<Path> dir = pluginsDir();
        if (dir.isEmpty()) {
            err.println("no Slack and Discord plugin jars found (looked in " + candidates() + "); build them first with:"
                    + " mvn -B package -DskipTests");
            err.flush();
            return ExitCodes.STARTUP_FAILED;
        }
        if (hosts < 1 || hosts > 9) {
            err.println("--hosts must be 1 to 9, not " + hosts);
            err.flush();
            return ExitCodes.USAGE;
        }
        Files.createDirectories(workDir);
        Path logFile = workDir.resolve("gatehouse.log").toAbsolutePath();
        logToFile(logFile);
        boolean ansi = !plain && System.console() != null;
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        if (hosts > 1) {
            return cluster(dir.get(), ansi, stop, logFile);
        }
        try (Demo demo = new Demo(new Demo.Options(dir.get(), workDir, adminPort, faultEvery, Duration.ofSeconds(3), ansi),
                System.out)) {
            demo.start(new SystemProcessExit());
            System.out.println("demo running; plugins from " + dir.get() + ", log in " + logFile);
            awaitStop(stop);
            System.out.println("stopping the demo…");
        }
        System.out.println("demo stopped");
        return ExitCodes.OK;
    }

    private int cluster(Path pluginDir, boolean ansi, CountDownLatch stop, Path logFile) throws Exception {
        Path jar = runningJar();
        try (ClusterDemo demo = new ClusterDemo(new ClusterDemo.Options(pluginDir, workDir.toAbsolutePath(), hosts, killEvery,
                Duration.ofSeconds(10), HostJvm.launcherOf(jar), ansi), System.out)) {
            System.out.println("cluster demo: starting ZooKeeper and " + hosts + " hosts; log in " + logFile + ", each host's in "
                    + workDir.toAbsolutePath() + "/host-N/");
            demo.start();
            System.out.println("cluster demo running; plugins from " + pluginDir);
            awaitStop(stop);
            System.out.println("stopping the cluster demo…");
        }
        System.out.println("demo stopped");
        return ExitCodes.OK;
    }

    /** Until SIGTERM or Ctrl-C, or {@code --duration} when set. */
    private void awaitStop(CountDownLatch stop) throws InterruptedException {
        if (duration.isZero()) {
            stop.await();
        } else {
            stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** This program's jar, or null when run from classes (then hosts get this process's class path). */
    private static Path runningJar() {
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(jar) ? jar : null;
        } catch (Exception e) {
            return null;
        }
    }

    private List<Path> candidates() {
        List<Path> c = new ArrayList<>();
        if (plugins != null) {
            c.add(plugins);
            return c;
        }
        Path jar = runningJar();
        if (jar != null) {
            c.add(jar.getParent().resolve("plugins"));
        }
        c.add(Path.of("dist", "plugins"));
        return c;
    }

    private Optional<Path> pluginsDir() {
        for (Path p : candidates()) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    List<String> names = s.map(x -> x.getFileName().toString()).toList();
                    if (names.stream().anyMatch(n -> n.startsWith("slack-gateway") && n.endsWith(".jar"))
                            && names.stream().anyMatch(n -> n.startsWith("discord-gateway") && n.endsWith(".jar"))) {
                        return Optional.of(p.toAbsolutePath());
                    }
                } catch (java.io.IOException e) {
                    // try the next
                }
            }
        }
        return Optional.empty();
    }

    /** The table owns the terminal: log lines go to a file, only errors stay on the console. */
    private static void logToFile(Path file) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext();) {
            Appender<ILoggingEvent> a = it.next();
            ThresholdFilter errorsOnly = new ThresholdFilter();
            errorsOnly.setLevel(Level.ERROR.toString());
            errorsOnly.start();
            a.addFilter(errorsOnly);
        }
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} %conn- %msg%n%ex");
        enc.start();
        FileAppender<ILoggingEvent> fa = new FileAppender<>();
        fa.setContext(ctx);
        fa.setFile(file.toString());
        fa.setAppend(false);
        fa.setEncoder(enc);
        fa.start();
        root.addAppender(fa);
    }
}
