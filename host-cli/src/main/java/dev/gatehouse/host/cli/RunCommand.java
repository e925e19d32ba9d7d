package dev.gatehouse.host.cli;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.exit.SystemProcessExit;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.ops.SystemdNotifier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.exit.ExitCodes;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gatehouse run}: runs the host until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the host until SIGTERM or Ctrl-C, then closes every connection and exits 0.")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOption config;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GatehouseConfig c = config.load(spec.commandLine().getErr());
        if (c == null) {
            return ExitCodes.CONFIG_INVALID;
        }
        return runUntilSignalled(GatewayHost.builder().config(c).watchFiles(true)
                .processExit(new SystemProcessExit()).adminApi(true).build(), SystemdNotifier.fromEnvironment());
    }

    /**
     * Starts a host and blocks until a termination signal; then closes it. Tells systemd when the
     * initial connections settled (all enabled connected, or each through its first attempt), pets its
     * watchdog while the host is live, and says when it stops.
     */
    static int runUntilSignalled(GatewayHost host, SystemdNotifier systemd) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        Runtime.getRuntime().addShutdownHook(new Thread(host::close, "gatehouse-shutdown"));
        try {
            host.start();
        } catch (RuntimeException | Error e) {
            OneLine.logFailure(log, "the host could not start", e);
            host.close();
            return ExitCodes.STARTUP_FAILED;
        }
        ScheduledExecutorService notify = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("gatehouse-systemd"));
        if (systemd.enabled()) {
            long settleBy = System.nanoTime() + host.config().health().openTimeout().toNanos();
            boolean[] ready = new boolean[1];
            notify.scheduleWithFixedDelay(() -> {
                if (!ready[0] && (host.isReady() || System.nanoTime() > settleBy)) {
                    ready[0] = true;
                    systemd.ready(host.isReady() ? "all connections connected" : "connections settling: " + host.notReady().size()
                            + " not connected yet");
                }
            }, 0, 500, TimeUnit.MILLISECONDS);
            systemd.watchdogInterval().ifPresent(every -> notify.scheduleAtFixedRate(() -> {
                if (host.isLive()) {
                    systemd.watchdog();
                }
            }, 0, every.toMillis(), TimeUnit.MILLISECONDS));
        }
        stop.await();
        notify.shutdownNow();
        systemd.stopping();
        host.close();
        return ExitCodes.OK;
    }
}
