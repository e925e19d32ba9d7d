package dev.gatehouse.host.cli;

import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.exit.SystemProcessExit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The {@code gatehouse} command line. */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        JulBridge.install();
        int code = commandLine().execute(args);
        new SystemProcessExit().exit(code, null);
    }

    /** The command tree, for tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new GatehouseCommand());
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.STARTUP_FAILED);
        // Anything a command did not handle itself: one line an operator can read, the stack trace at DEBUG.
        cl.setExecutionExceptionHandler((e, failed, parsed) -> {
            OneLine.logFailure(log, "gatehouse " + failed.getCommandName() + " failed", e);
            return ExitCodes.STARTUP_FAILED;
        });
        return cl;
    }
}
