package dev.gatehouse.host.cli;

import dev.gatehouse.api.GatewaySettingsException;
import dev.gatehouse.host.Version;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.config.PlatformSettings;
import dev.gatehouse.host.exit.ExitCodes;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginRuntime.GatewayBinding;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gatehouse validate}: checks the configuration and, when the plugins load, each platform's settings. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Checks the configuration, and each workspace's settings with its plugin. Exits 0 if valid, 78 otherwise.")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GatehouseConfig c = config.load(err);
        if (c == null) {
            return ExitCodes.CONFIG_INVALID;
        }
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(c.pluginsDir())) {
            problems.add("plugins.dir: folder " + c.pluginsDir() + " does not exist; create it and put the plugin jars in it");
        } else {
            try (PluginRuntime plugins = new PluginRuntime(c.pluginsDir(), Version.API, c.health().closeTimeout())) {
                plugins.loadAll().stream().filter(p -> p.problem() != null)
                        .forEach(p -> problems.add("plugin " + p.jar() + ": " + p.problem()));
                for (PlatformSettings ps : c.allPlatforms()) {
                    Optional<GatewayBinding> b = plugins.gateway(ps.platform());
                    if (b.isEmpty()) {
                        problems.add(ps.path() + ": no plugin in " + c.pluginsDir() + " serves platform '" + ps.platform() + "'");
                        continue;
                    }
                    try {
                        PluginRuntime.withLoader(b.get().loader(), () -> {
                            b.get().gateway().validate(ps.toGatewaySettings());
                            return null;
                        });
                    } catch (GatewaySettingsException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            err.println(c.source() + " is invalid:");
            problems.forEach(p -> err.println("  - " + p));
            err.flush();
            return ExitCodes.CONFIG_INVALID;
        }
        out.printf("%s is valid: %d workspace(s), %d connection(s), %d enabled%n", c.source(), c.workspaces().size(),
                c.allPlatforms().size(), c.allPlatforms().stream().filter(PlatformSettings::enabled).count());
        out.flush();
        return ExitCodes.OK;
    }
}
