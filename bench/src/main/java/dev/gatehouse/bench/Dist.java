package dev.gatehouse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The packaged plugin jars the benchmark runs ({@code dist/plugins} after {@code mvn package}). Each host
 * gets its own plugins folder with copies, because a host owns its folder (it moves and swaps jars there).
 */
final class Dist {

    static final String SLACK = "slack-gateway-plugin";
    static final String DISCORD = "discord-gateway-plugin";

    private final Path slackJar;
    private final Path discordJar;

    private Dist(Path slackJar, Path discordJar) {
        this.slackJar = slackJar;
        this.discordJar = discordJar;
    }

    /** Finds both plugin jars under {@code dist/plugins}; fails with what to run if they are missing. */
    static Dist at(Path dist) {
        Path plugins = dist.resolve("plugins");
        return new Dist(find(plugins, SLACK), find(plugins, DISCORD));
    }

    private static Path find(Path plugins, String name) {
        try (Stream<Path> files = Files.isDirectory(plugins) ? Files.list(plugins) : Stream.empty()) {
            List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(name + "-")
                    && f.getFileName().toString().endsWith(".jar")).sorted().toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no " + name + "-*.jar in " + plugins.toAbsolutePath()
                        + "; build it first with: mvn -B -q package -DskipTests (or pass --dist)");
            }
            return found.get(found.size() - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new plugins folder under {@code parent} holding copies of the requested jars. */
    Path pluginsFolder(Path parent, boolean slack, boolean discord) throws IOException {
        Path dir = Files.createDirectories(parent.resolve("plugins"));
        if (slack) {
            Files.copy(slackJar, dir.resolve(slackJar.getFileName()));
        }
        if (discord) {
            Files.copy(discordJar, dir.resolve(discordJar.getFileName()));
        }
        return dir;
    }

    Path slackJar() {
        return slackJar;
    }

    Path discordJar() {
        return discordJar;
    }
}
