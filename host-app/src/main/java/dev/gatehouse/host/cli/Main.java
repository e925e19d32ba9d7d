package dev.gatehouse.host.cli;

import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.exit.SystemProcessExit;
import dev.gatehouse.host.logging.JulBridge;
import picocli.CommandLine;

/** The {@code gatehouse} command line. */
public final class Main {

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
        return cl;
    }
}
