package dev.gatehouse.host.cli;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.exit.ExitCodes;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gatehouse run}: runs the host until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the host until SIGTERM or Ctrl-C, then closes every connection and exits 0.")
final class RunCommand implements Callable<Integer> {

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
        return runUntilSignalled(GatewayHost.builder().config(c).build());
    }

    /** Starts a host and blocks until a termination signal; then closes it. */
    static int runUntilSignalled(GatewayHost host) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        Thread hook = new Thread(host::close, "gatehouse-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        host.start();
        stop.await();
        host.close();
        return ExitCodes.OK;
    }
}
