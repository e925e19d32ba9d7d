package dev.gatehouse.tck;

import dev.gatehouse.api.Gateway;
import dev.gatehouse.api.PluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/** Where the kit gets the gateway under test from. */
public sealed interface PluginSource {

    /**
     * The packaged plugin jar, loaded as the host loads it: PF4J, a plugin class loader of its own, the
     * manifest's {@code Plugin-Class} started and stopped. Only this source can prove that the plugin's
     * class loader is released after unload.
     *
     * @param jar the shaded plugin jar (usually {@code target/<artifact>-<version>.jar}, run under failsafe)
     * @return the source
     * @throws IllegalArgumentException if the file does not exist
     */
    static PluginSource jar(Path jar) {
        Objects.requireNonNull(jar, "jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("plugin jar " + jar + " does not exist; run the conformance test after "
                    + "`package` (as an integration test under maven-failsafe-plugin) and pass the jar's path");
        }
        return new Jar(jar);
    }

    /**
     * A gateway made in the test's own class loader, without a plugin jar. Quicker to set up; the
     * class-loader check is skipped.
     *
     * @param factory makes the extension, given the plugin-wide services
     * @return the source
     */
    static PluginSource gateway(Function<PluginContext, Gateway> factory) {
        return new Factory(Objects.requireNonNull(factory, "factory"));
    }

    /**
     * A packaged plugin jar.
     *
     * @param path the plugin jar
     */
    record Jar(Path path) implements PluginSource {
    }

    /**
     * A gateway factory in the test's class loader.
     *
     * @param factory makes the extension
     */
    record Factory(Function<PluginContext, Gateway> factory) implements PluginSource {
    }
}
