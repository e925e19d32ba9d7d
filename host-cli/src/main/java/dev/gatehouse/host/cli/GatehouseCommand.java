package dev.gatehouse.host.cli;

import dev.gatehouse.host.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The root command. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, versionProvider = GatehouseCommand.VersionInfo.class,
        description = "Keeps chat-bot gateway connections alive: loads gateway plugins, supervises one connection per "
                + "workspace and platform, and exits only by its own policy.",
        subcommands = {RunCommand.class, DemoCommand.class, ValidateCommand.class, DoctorCommand.class, PluginsCommand.class,
            StatusCommand.class,
            ActionCommands.Reconnect.class, ActionCommands.Enable.class, ActionCommands.Disable.class,
            ActionCommands.Reload.class, ActionCommands.Cluster.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success, including SIGTERM/Ctrl-C after an orderly shutdown",
            "1:a running host refused a command (status, reconnect, enable, disable, reload, cluster)", "2:invalid command line",
            "69:the running host's admin API could not be reached",
            "70:the host could not start", "75:a connection failed health.maxReconnectAttempts times in a row (restart me)",
            "78:the configuration is invalid (validate), or a check failed (doctor)"})
public final class GatehouseCommand {

    /** Prints the host and plugin-API versions. */
    static final class VersionInfo implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gatehouse " + Version.HOST + " (plugin API " + Version.API + ")"};
        }
    }
}
