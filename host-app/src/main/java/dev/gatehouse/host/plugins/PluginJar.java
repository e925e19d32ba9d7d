package dev.gatehouse.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What the host checks in a plugin jar before PF4J sees it: that it is a complete jar with a PF4J
 * manifest and an extension index. Each failure says what is wrong and what to do.
 *
 * @param path the jar
 * @param id {@code Plugin-Id}
 * @param version {@code Plugin-Version}
 * @param requires {@code Plugin-Requires}, or {@code null}
 * @param bundlesApi whether it contains {@code dev/gatehouse/api} classes (they are ignored)
 */
public record PluginJar(Path path, String id, String version, String requires, boolean bundlesApi) {

    /** The jar is not a loadable plugin. */
    public static final class InvalidJarException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String id;
        private final String version;
        private final String problem;

        InvalidJarException(Path path, String id, String version, String problem) {
            super(path.getFileName() + ": " + problem);
            this.id = id;
            this.version = version;
            this.problem = problem;
        }

        /** @return the plugin id if the manifest could be read, else {@code null} */
        public String id() {
            return id;
        }

        /** @return the plugin version if the manifest could be read, else {@code null} */
        public String version() {
            return version;
        }

        /** @return what is wrong and what to do, without the file name */
        public String problem() {
            return problem;
        }
    }

    /** Reads and checks a jar. */
    public static PluginJar inspect(Path path) throws InvalidJarException {
        if (!Files.isRegularFile(path)) {
            throw new InvalidJarException(path, null, null, "is not a file");
        }
        try (JarFile jar = new JarFile(path.toFile(), true)) {
            Manifest mf = jar.getManifest();
            Attributes a = mf == null ? new Attributes() : mf.getMainAttributes();
            String id = a.getValue("Plugin-Id");
            String version = a.getValue("Plugin-Version");
            if (id == null || id.isBlank()) {
                throw new InvalidJarException(path, null, version, "its manifest has no Plugin-Id; build it as a PF4J plugin"
                        + " (Plugin-Id, Plugin-Version and Plugin-Class manifest entries)");
            }
            if (version == null || version.isBlank()) {
                throw new InvalidJarException(path, id, null, "its manifest has no Plugin-Version; add one (semantic version, e.g. 1.0.0)");
            }
            JarEntry idx = jar.getJarEntry("META-INF/extensions.idx");
            if (idx == null) {
                throw new InvalidJarException(path, id.trim(), version.trim(), "has no META-INF/extensions.idx, so the host cannot find its Gateway;"
                        + " compile it with PF4J's annotation processor on the processor path (javac -proc:full on JDK 21+)");
            }
            try (InputStream in = jar.getInputStream(idx)) {
                in.readAllBytes();
            }
            boolean bundlesApi = jar.stream().anyMatch(e -> e.getName().startsWith("dev/gatehouse/api/") && e.getName().endsWith(".class"));
            return new PluginJar(path, id.trim(), version.trim(), a.getValue("Plugin-Requires"), bundlesApi);
        } catch (IOException | SecurityException e) {
            throw new InvalidJarException(path, null, null, "is not a readable jar (" + e.getMessage()
                    + "); it may be truncated or still being copied — copy it again, to a temporary name, then rename it");
        }
    }
}
