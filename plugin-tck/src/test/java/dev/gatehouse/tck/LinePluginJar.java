package dev.gatehouse.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Packs {@link LinePlugin} and {@link LineGateway} from the test classes into a real PF4J plugin jar. */
final class LinePluginJar {

    private LinePluginJar() {
    }

    static Path build(Path dir) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Plugin-Id", "line-gateway");
        a.putValue("Plugin-Version", "1.0.0");
        a.putValue("Plugin-Class", LinePlugin.class.getName());
        a.putValue("Plugin-Requires", ">=1.0.0 & <2.0.0");
        Path jar = dir.resolve("line-gateway-plugin.jar");
        Path classes = Path.of(LineGateway.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
            j.putNextEntry(new JarEntry("META-INF/extensions.idx"));
            j.write((LineGateway.class.getName() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (var files = Files.list(classes.resolve("dev/gatehouse/tck"))) {
                for (Path f : files.filter(f -> f.getFileName().toString().matches("(LineGateway|LinePlugin)(\\$.*)?\\.class")).toList()) {
                    j.putNextEntry(new JarEntry("dev/gatehouse/tck/" + f.getFileName()));
                    try (InputStream in = Files.newInputStream(f)) {
                        in.transferTo(j);
                    }
                }
            }
        }
        return jar;
    }
}
