package dev.gatehouse.host.cli;

import dev.gatehouse.host.config.ConfigException;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by the commands that read a configuration. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration file")
    Path file;

    /** Loads it, or prints every problem to {@code err} and returns {@code null}. */
    GatehouseConfig load(PrintWriter err) {
        try {
            return new ConfigLoader().load(file);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return null;
        }
    }
}
