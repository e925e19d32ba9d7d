package dev.gatehouse.host.plugins;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What the host checks in a plugin jar before PF4J sees it: a complete jar, not a link, of bounded size,
 * with a PF4J manifest whose id and version are plain names, no dependencies on other plugins, and an
 * extension index. Only the manifest and the index are read, each up to a bound, whatever the zip
 * headers claim. Each failure says what is wrong and what to do.
 *
 * @param path the jar
 * @param id {@code Plugin-Id}
 * @param version {@code Plugin-Version}
 * @param requires {@code Plugin-Requires}, or {@code null}
 * @param bundlesApi whether it contains {@code dev/gatehouse/api} classes (they are ignored)
 */
public record PluginJar(Path path, String id, String version, String requires, boolean bundlesApi) {

    /** Plugin ids name files and threads: no path separators, no leading dot. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    /** The same rule, with the capitals and {@code +} that semantic versions use (1.0.0-RC1, 1.0.0+build.5). */
    public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    static final int MAX_NAME = 64;
    static final long MAX_JAR_BYTES = 256L << 20;
    static final int MAX_ENTRIES = 100_000;
    static final int MAX_MANIFEST_BYTES = 64 << 10;
    static final int MAX_INDEX_BYTES = 1 << 20;
    private static final String MANIFEST = "META-INF/MANIFEST.MF";
    private static final String INDEX = "META-INF/extensions.idx";

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

        /** @return the plugin id if the manifest could be read and the id is valid, else {@code null} */
        public String id() {
            return id;
        }

        /** @return the plugin version if the manifest could be read and the version is valid, else {@code null} */
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
        if (Files.isSymbolicLink(path)) {
            throw new InvalidJarException(path, null, null, "is a symbolic link; the host does not follow links among"
                    + " plugin jars: copy the jar itself");
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidJarException(path, null, null, "is not a file");
        }
        try {
            long size = Files.size(path);
            if (size > MAX_JAR_BYTES) {
                throw new InvalidJarException(path, null, null, "is " + (size >> 20) + " MB, more than the "
                        + (MAX_JAR_BYTES >> 20) + " MB the host accepts for a plugin jar");
            }
        } catch (IOException e) {
            throw unreadable(path, e);
        }
        try (ZipFile zip = new ZipFile(path.toFile())) {
            if (zip.size() > MAX_ENTRIES) {
                throw new InvalidJarException(path, null, null, "has " + zip.size() + " entries, more than the "
                        + MAX_ENTRIES + " the host accepts");
            }
            Attributes a = manifest(path, zip);
            String id = trimmed(a.getValue("Plugin-Id"));
            String version = trimmed(a.getValue("Plugin-Version"));
            checkNames(path, id, version);
            String deps = trimmed(a.getValue("Plugin-Dependencies"));
            if (deps != null) {
                throw new InvalidJarException(path, id, version, "declares Plugin-Dependencies (" + deps + "); Gatehouse"
                        + " loads each gateway plugin on its own, so plugins cannot depend on each other: remove the"
                        + " entry and shade what the plugin needs into its jar");
            }
            ZipEntry idx = zip.getEntry(INDEX);
            if (idx == null) {
                throw new InvalidJarException(path, id, version, "has no " + INDEX + ", so the host cannot find its Gateway;"
                        + " compile it with PF4J's annotation processor on the processor path (javac -proc:full on JDK 21+)");
            }
            read(path, zip, idx, MAX_INDEX_BYTES, id, version);
            boolean bundlesApi = zip.stream().anyMatch(e -> e.getName().startsWith("dev/gatehouse/api/") && e.getName().endsWith(".class"));
            return new PluginJar(path, id, version, a.getValue("Plugin-Requires"), bundlesApi);
        } catch (IOException | RuntimeException e) {
            throw unreadable(path, e);
        }
    }

    private static InvalidJarException unreadable(Path path, Exception e) {
        return new InvalidJarException(path, null, null, "is not a readable jar (" + e.getMessage()
                + "); it may be truncated or still being copied — copy it again, to a temporary name, then rename it");
    }

    private static Attributes manifest(Path path, ZipFile zip) throws IOException, InvalidJarException {
        ZipEntry e = zip.getEntry(MANIFEST);
        if (e == null) {
            throw new InvalidJarException(path, null, null, "has no " + MANIFEST + "; build it as a PF4J plugin"
                    + " (Plugin-Id, Plugin-Version and Plugin-Class manifest entries)");
        }
        byte[] bytes = read(path, zip, e, MAX_MANIFEST_BYTES, null, null);
        return new Manifest(new ByteArrayInputStream(bytes)).getMainAttributes();
    }

    private static void checkNames(Path path, String id, String version) throws InvalidJarException {
        if (id == null) {
            throw new InvalidJarException(path, null, null, "its manifest has no Plugin-Id; build it as a PF4J plugin"
                    + " (Plugin-Id, Plugin-Version and Plugin-Class manifest entries)");
        }
        if (id.length() > MAX_NAME || !ID.matcher(id).matches()) {
            throw new InvalidJarException(path, null, null, "its Plugin-Id '" + shown(id) + "' is not a plain name: use up"
                    + " to " + MAX_NAME + " characters matching " + ID.pattern() + " (lower-case letters, digits, '.', '_', '-')");
        }
        if (version == null) {
            throw new InvalidJarException(path, id, null, "its manifest has no Plugin-Version; add one (semantic version, e.g. 1.0.0)");
        }
        if (version.length() > MAX_NAME || !VERSION.matcher(version).matches()) {
            throw new InvalidJarException(path, id, null, "its Plugin-Version '" + shown(version) + "' is not a plain"
                    + " version: use up to " + MAX_NAME + " characters matching " + VERSION.pattern() + " (e.g. 1.2.0)");
        }
    }

    /** Reads one entry, refusing it once it inflates past {@code max} bytes, whatever its header declares. */
    private static byte[] read(Path path, ZipFile zip, ZipEntry e, int max, String id, String version)
            throws IOException, InvalidJarException {
        if (e.getSize() > max) {
            throw tooBig(path, e, max, id, version, "declares " + e.getSize() + " bytes");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw tooBig(path, e, max, id, version, "inflates to more than " + max + " bytes");
            }
            return bytes;
        }
    }

    private static InvalidJarException tooBig(Path path, ZipEntry e, int max, String id, String version, String what) {
        return new InvalidJarException(path, id, version, e.getName() + " " + what + ", more than the " + max
                + " the host reads; this is not a plugin jar a build produces");
    }

    private static String trimmed(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** A value from an untrusted manifest, shortened for a log line. */
    private static String shown(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
    }
}
