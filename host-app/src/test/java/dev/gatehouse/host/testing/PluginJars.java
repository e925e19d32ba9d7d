package dev.gatehouse.host.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Derives variants of the real test plugin jar built by Maven: other manifest values, missing or extra entries. */
public final class PluginJars {

    private PluginJars() {
    }

    /** The test plugin jar built by the test-gateway-plugin module. */
    public static Path testPlugin() {
        String p = System.getProperty("gatehouse.testPluginJar");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("test plugin jar not found at " + p + "; build with mvn verify from the root");
        }
        return Path.of(p);
    }

    /** Copies the test plugin with manifest changes, without some entries, and with the api classes added if asked. */
    public static Path variant(Path target, Map<String, String> manifest, Set<String> dropEntries, boolean addApi) throws IOException {
        try (JarFile in = new JarFile(testPlugin().toFile());
                OutputStream os = Files.newOutputStream(target)) {
            Manifest mf = new Manifest(in.getManifest());
            Attributes a = mf.getMainAttributes();
            manifest.forEach((k, v) -> {
                if (v == null) {
                    a.remove(new Attributes.Name(k));
                } else {
                    a.putValue(k, v);
                }
            });
            try (JarOutputStream out = new JarOutputStream(os, mf)) {
                for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements();) {
                    JarEntry je = e.nextElement();
                    if (je.getName().equals("META-INF/MANIFEST.MF") || dropEntries.contains(je.getName())) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(je.getName()));
                    try (InputStream is = in.getInputStream(je)) {
                        is.transferTo(out);
                    }
                    out.closeEntry();
                }
                if (addApi) {
                    Path api = Path.of(System.getProperty("gatehouse.apiClasses"));
                    try (Stream<Path> files = Files.walk(api)) {
                        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)
                                .filter(f -> api.relativize(f).toString().startsWith("dev"))::iterator) {
                            out.putNextEntry(new JarEntry(api.relativize(f).toString().replace('\\', '/')));
                            Files.copy(f, out);
                            out.closeEntry();
                        }
                    }
                }
            }
        }
        return target;
    }

    /** Drops a finished jar into {@code incoming} the documented way: written under a temporary name, then renamed. */
    public static void drop(java.nio.file.Path incoming, java.nio.file.Path jar, String name) throws java.io.IOException {
        java.nio.file.Path tmp = incoming.resolve("." + name + ".part");
        java.nio.file.Files.copy(jar, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        java.nio.file.Files.move(tmp, incoming.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A jar whose name starts with {@code prefix} sits in {@code incoming/rejected/}. */
    public static boolean quarantined(java.nio.file.Path incoming, String prefix) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(incoming.resolve("rejected"))) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(prefix));
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }
}
