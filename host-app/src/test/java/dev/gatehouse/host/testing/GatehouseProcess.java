package dev.gatehouse.host.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gatehouse run} in its own JVM, as an operator starts it: a config file and a plugins folder with
 * the loopback plugin in a folder of the test's, output (stdout and stderr) in {@code out.log} there.
 */
public final class GatehouseProcess implements AutoCloseable {

    private static final Pattern ADMIN = Pattern.compile("admin API listening on http://127\\.0\\.0\\.1:(\\d+)/");

    private final Path dir;
    private final Process process;

    private GatehouseProcess(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** Starts {@code gatehouse run --config DIR/gatehouse.yaml} with extra environment variables. */
    public static GatehouseProcess run(Path dir, String yaml, Map<String, String> env) throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        if (!Files.exists(plugins.resolve("loopback.jar"))) {
            Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        }
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), yaml);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.gatehouse.host.cli.Main", "run", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().putAll(env);
        return new GatehouseProcess(dir, pb.start());
    }

    /** The admin API's port, once the host logged it (admin listening on {@code 127.0.0.1:0}). */
    public int adminPort() throws IOException {
        await().atMost(Duration.ofSeconds(60)).until(() -> ADMIN.matcher(output()).find());
        Matcher m = ADMIN.matcher(output());
        if (!m.find()) {
            throw new IllegalStateException("no admin port in the output");
        }
        return Integer.parseInt(m.group(1));
    }

    public String output() throws IOException {
        return Files.readString(dir.resolve("out.log"));
    }

    public Process process() {
        return process;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
