package dev.gatehouse.host.reload;

import dev.gatehouse.host.plugins.PluginJar;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where plugin jars live: the live jars directly in the plugins folder, each under a new name
 * ({@code <id>-<version>.jar}, so a jar a live class loader has open is never overwritten), swapped-out
 * jars in {@code .previous/}, refused candidates in {@code incoming/rejected/}. Jar names come from
 * validated ids and versions, and every target is checked to stay inside its folder.
 */
final class JarFolder {

    private static final Logger log = LoggerFactory.getLogger(JarFolder.class);

    private final Path dir;
    private final FolderWatcher watcher;

    JarFolder(Path dir, FolderWatcher watcher) {
        this.dir = dir.toAbsolutePath().normalize();
        this.watcher = watcher;
    }

    Path dir() {
        return dir;
    }

    /**
     * Moves a validated candidate into the plugins folder, unless it is already there.
     *
     * @throws IOException if it cannot be placed; nothing changed then
     */
    PluginJar place(PluginJar jar) throws IOException {
        Path source = jar.path().toAbsolutePath().normalize();
        if (dir.equals(source.getParent())) {
            return jar;
        }
        String base = jar.id() + "-" + jar.version();
        Path target = inside(dir, base + ".jar");
        for (int n = 2; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
            target = inside(dir, base + "-" + n + ".jar");
        }
        watcher.placed(target);
        move(source, target);
        return new PluginJar(target, jar.id(), jar.version(), jar.requires(), jar.bundlesApi());
    }

    /** Moves a swapped-out jar to {@code .previous/}, replacing an older copy of the same name. */
    void keepAsPrevious(Path oldJar) {
        try {
            Path prev = Files.createDirectories(dir.resolve(".previous"));
            watcher.ignoreRemoval(oldJar);
            Files.move(oldJar, inside(prev, oldJar.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.warn("cannot move the previous jar {} to .previous/: {}", oldJar, e.toString());
        }
    }

    /**
     * Moves a refused jar (or link) to {@code incoming/rejected/}, replacing an older one of the same name.
     *
     * @return where it is now; where it was if it could not be moved
     */
    Path quarantine(Path jar) {
        try {
            Path rejected = Files.createDirectories(dir.resolve("incoming").resolve("rejected"));
            Path target = inside(rejected, jar.getFileName().toString());
            watcher.ignoreRemoval(jar);
            Files.move(jar, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            log.warn("cannot move refused jar {} to incoming/rejected/: {}", jar, e.toString());
            return jar;
        }
    }

    void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", p, e.toString());
        }
    }

    static boolean sameBytes(Path a, Path b) {
        try {
            return Files.mismatch(a, b) == -1L;
        } catch (IOException e) {
            return false;
        }
    }

    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // Another file system: copy under a hidden name (never a candidate), then rename.
            Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
            try {
                Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            Files.delete(source);
        }
    }

    /** {@code folder/name}, refusing a name that would leave the folder. */
    private static Path inside(Path folder, String name) throws IOException {
        Path p = folder.resolve(name).normalize();
        if (!folder.normalize().equals(p.getParent())) {
            throw new IOException("'" + name + "' would leave " + folder);
        }
        return p;
    }
}
