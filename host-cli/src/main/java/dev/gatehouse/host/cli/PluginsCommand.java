package dev.gatehouse.host.cli;

import dev.gatehouse.host.Version;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginStatus;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gatehouse plugins}: loads the plugins folder and lists what loaded and what did not, and why. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "Lists the plugins of the configured folder: id, version, state, platforms, or why one failed.")
final class PluginsCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        GatehouseConfig c = config.load(spec.commandLine().getErr());
        if (c == null) {
            return ExitCodes.CONFIG_INVALID;
        }
        if (!Files.isDirectory(c.pluginsDir())) {
            spec.commandLine().getErr().println("plugins.dir: folder " + c.pluginsDir() + " does not exist");
            return ExitCodes.CONFIG_INVALID;
        }
        List<PluginStatus> all;
        try (PluginRuntime plugins = new PluginRuntime(c.pluginsDir(), Version.API, c.health().closeTimeout())) {
            all = plugins.loadAll();
        }
        out.printf("%-24s %-10s %-9s %-18s %s%n", "ID", "VERSION", "STATE", "PLATFORMS", "JAR / PROBLEM");
        for (PluginStatus p : all) {
            out.printf("%-24s %-10s %-9s %-18s %s%n", p.id(), p.version() == null ? "-" : p.version(), p.state(),
                    p.platforms().isEmpty() ? "-" : String.join(",", p.platforms()),
                    p.problem() == null ? p.jar() : p.jar() + ": " + p.problem());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
