package dev.gatehouse.dist;

import static dev.gatehouse.dist.Installation.CONFIG_DIR;
import static dev.gatehouse.dist.Installation.INSTALL_DIR;
import static dev.gatehouse.dist.Installation.STATE_DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive as an operator meets it: unpacked with tar outside the repository, only the state folder
 * moved, the launcher run from other working directories, and everything the units, the watchdog script,
 * the manifests and the Dockerfile name found in the unpacked layout.
 */
class DistributionArchiveIT {

    /** A JVM that loads both plugins, on a loaded 2-core machine. */
    private static final Duration JVM_BOUND = Duration.ofSeconds(120);
    private static final List<String> SHIPPED_DEPLOY_FILES = List.of("deploy/systemd/gatehouse.service",
            "deploy/systemd/gatehouse-watchdog.service", "deploy/systemd/gatehouse-watchdog.timer", "scripts/watchdog.sh",
            "deploy/kubernetes/gatehouse.yaml", "deploy/kubernetes/servicemonitor.yaml", "deploy/docker/Dockerfile",
            "conf/gatehouse.yaml", "conf/gatehouse.env.example");

    @TempDir
    static Path dir;
    private static Installation installed;

    @BeforeAll
    static void install() throws Exception {
        installed = Installation.unpack(dir);
    }

    @Test
    void theArchiveHoldsOneVersionedFolderWithExecutableScriptsAndBothPlugins() throws Exception {
        Processes.Result listing = Processes.run(List.of("tar", "-tzvf", Installation.archive().toString()), dir,
                Map.of("PATH", System.getenv("PATH")), Duration.ofSeconds(60));
        assertThat(listing.exitCode()).isZero();
        String top = "gatehouse-" + Installation.version() + "/";
        List<String> lines = listing.output().lines().toList();
        assertThat(lines).allSatisfy(l -> assertThat(l).contains(" " + top));
        assertThat(lines).anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith(top + "bin/gatehouse"))
                .anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith(top + "scripts/watchdog.sh"))
                .anyMatch(l -> l.endsWith(top + "lib/gatehouse.jar"))
                .anyMatch(l -> l.endsWith(top + "LICENSE"))
                .anyMatch(l -> l.endsWith(top + "plugins/slack-gateway-plugin-" + Installation.version() + ".jar"))
                .anyMatch(l -> l.endsWith(top + "plugins/discord-gateway-plugin-" + Installation.version() + ".jar"));
        for (String f : SHIPPED_DEPLOY_FILES) {
            assertThat(installed.home.resolve(f)).isRegularFile();
        }
    }

    @Test
    void validateAcceptsTheShippedConfigurationFromAnotherDirectoryThroughASymlink() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere-validate"));
        Path link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("links")).resolve("gatehouse"),
                installed.home.resolve("bin/gatehouse"));
        // Globbing this option would turn it into the name of the file made here.
        Files.createFile(elsewhere.resolve("-Dgatehouse.marker=a-file-b"));
        Map<String, String> env = Installation.environment();
        env.put("JAVA_HOME", Installation.javaHome().toString());
        env.put("JAVA_OPTS", "-Xss512k -XshowSettings:properties -Dgatehouse.marker=a*b");

        Processes.Result r = Processes.run(List.of(link.toString(), "validate", "--config", installed.conf().toString()),
                elsewhere, env, JVM_BOUND);

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("is valid: 2 workspace(s), 2 connection(s), 2 enabled")
                .contains("gatehouse.marker = a*b")
                .doesNotContain("archive-test-admin-token", "xoxb-000-archive-test");
    }

    @Test
    void validateNamesTheTokenVariableThatIsNotSet() throws Exception {
        Map<String, String> env = Installation.environment();
        env.remove("GATEHOUSE_ADMIN_TOKEN");
        env.put("JAVA_HOME", Installation.javaHome().toString());

        Processes.Result r = Processes.run(List.of(installed.home.resolve("bin/gatehouse").toString(), "validate",
                "--config", installed.conf().toString()), dir, env, JVM_BOUND);

        assertThat(r.exitCode()).as(r.output()).isEqualTo(78);
        assertThat(r.output()).contains("admin.token: environment variable GATEHOUSE_ADMIN_TOKEN is not set");
    }

    @Test
    void withoutAnyJavaTheLauncherSaysWhatToInstall() throws Exception {
        // A PATH with the tools the launcher uses and no java.
        Path bin = Files.createDirectories(dir.resolve("no-java-bin"));
        for (String tool : List.of("dirname", "readlink")) {
            Path real = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst()
                    .orElseThrow();
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        Processes.Result r = Processes.run(List.of(installed.home.resolve("bin/gatehouse").toString(), "--help"), dir,
                Map.of("PATH", bin.toString()), Duration.ofSeconds(30));

        assertThat(r.exitCode()).isEqualTo(70);
        assertThat(r.output()).contains("no java found").contains("Java 17");
    }

    @Test
    void theDemoConnectsEveryConnectionWithTheArchivesPluginsFromAnotherDirectory() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere-demo"));
        Map<String, String> env = Installation.environment();
        env.put("PATH", Installation.javaHome().resolve("bin") + ":" + env.get("PATH"));
        Path out = dir.resolve("demo.out");
        // No fault within the test; --duration bounds the child even if this JVM dies before its finally.
        Process p = Processes.start(List.of(installed.home.resolve("bin/gatehouse").toString(), "demo", "--plain",
                "--admin-port", "0", "--fault-every", "1h", "--duration", "10m"), elsewhere, env, out);
        try {
            Pattern admin = Pattern.compile("admin API (http://127\\.0\\.0\\.1:\\d+)");
            await("the demo's admin API").atMost(Duration.ofSeconds(90)).until(() -> admin.matcher(Processes.read(out)).find());
            Matcher m = admin.matcher(Processes.read(out));
            assertThat(m.find()).isTrue();
            String url = m.group(1);
            await("every connection CONNECTED").atMost(Duration.ofSeconds(90)).until(() -> allConnected(url));

            assertThat(Processes.read(out)).contains("plugins from " + installed.home.resolve("plugins"));
            assertThat(status(url).get("plugins").findValuesAsText("state")).hasSize(2).containsOnly("STARTED");
            assertThat(elsewhere.resolve("gatehouse-demo/gatehouse.log")).isRegularFile();
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the demo stops on SIGTERM").isTrue();
            assertThat(p.exitValue()).as(Processes.read(out)).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void everyPathTheDeployFilesNameIsInTheInstallationOrDeclaredByTheConfiguration() throws Exception {
        Map<String, Set<String>> referenced = ReferencedPaths.in(installed.home, SHIPPED_DEPLOY_FILES);
        JsonNode conf = new YAMLMapper().readTree(installed.shippedConfig);
        String pluginsDir = conf.at("/plugins/dir").asText();
        String heartbeat = conf.at("/heartbeat/file").asText();
        String ledgerDir = conf.at("/backfill/stateDir").asText();
        Set<String> declared = Set.of(STATE_DIR, pluginsDir, heartbeat, Path.of(heartbeat).getParent().toString(), ledgerDir);
        // Made by the host when it first writes there, not by the install steps.
        Set<String> madeAtRunTime = Set.of(heartbeat, Path.of(heartbeat).getParent().toString(), ledgerDir);
        Map<String, String> installedAs = Map.of(CONFIG_DIR, "conf", CONFIG_DIR + "/gatehouse.yaml", "conf/gatehouse.yaml",
                CONFIG_DIR + "/gatehouse.env", "conf/gatehouse.env.example");

        List<String> problems = new ArrayList<>();
        referenced.forEach((path, files) -> {
            String where = path + " (named in " + files + ")";
            if (path.startsWith(INSTALL_DIR)) {
                if (!existsWithGlob(installed.map(path))) {
                    problems.add(where + ": not in the archive");
                }
            } else if (path.startsWith(STATE_DIR)) {
                if (!declared.contains(path) && !path.startsWith(pluginsDir + "/")) {
                    problems.add(where + ": not a path conf/gatehouse.yaml declares (" + declared + ")");
                } else if (!madeAtRunTime.contains(path) && !existsWithGlob(installed.map(path))) {
                    problems.add(where + ": missing after the install steps");
                }
            } else if (!installedAs.containsKey(path) || !Files.exists(installed.home.resolve(installedAs.get(path)))) {
                problems.add(where + ": not a configuration file the archive ships (" + installedAs + ")");
            }
        });
        assertThat(problems).isEmpty();
        assertThat(referenced).as("the scan finds what the units run and watch").containsKeys(
                INSTALL_DIR + "/bin/gatehouse", INSTALL_DIR + "/scripts/watchdog.sh", heartbeat, CONFIG_DIR + "/gatehouse.yaml");
    }

    @Test
    void theUnitsPassSystemdAnalyzeVerifyWithTheInstallationsPaths() throws Exception {
        Path analyze = Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElse(null);
        assumeThat(analyze).as("systemd-analyze is not installed here; the units were not verified").isNotNull();
        Path units = Files.createDirectories(dir.resolve("units"));
        List<String> command = new ArrayList<>(List.of(analyze.toString(), "verify", "--man=no"));
        try (Stream<Path> shipped = Files.list(installed.home.resolve("deploy/systemd"))) {
            for (Path unit : shipped.sorted().toList()) {
                String text = Files.readString(unit).replace(INSTALL_DIR, installed.home.toString())
                        .replace(STATE_DIR, installed.state.toString());
                command.add(Files.writeString(units.resolve(unit.getFileName()), text).toString());
            }
        }
        Processes.Result r = Processes.run(command, units, Map.of("PATH", System.getenv("PATH")), Duration.ofSeconds(60));

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output().lines().filter(l -> l.contains("gatehouse"))).as("warnings about our units").isEmpty();
    }

    /** A path, or for a last segment with {@code *}, at least one match in its folder. */
    private static boolean existsWithGlob(Path p) {
        String name = p.getFileName().toString();
        if (!name.contains("*")) {
            return Files.exists(p);
        }
        var matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
        try (Stream<Path> s = Files.list(p.getParent())) {
            return s.anyMatch(x -> matcher.matches(x.getFileName()));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** One client for every poll (each HttpClient keeps a selector thread of its own). */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static JsonNode status(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/status"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    private static boolean allConnected(String url) {
        try {
            JsonNode c = status(url).get("connections");
            return c.size() == 3 && c.findValuesAsText("state").stream().allMatch("CONNECTED"::equals);
        } catch (Exception e) {
            return false;
        }
    }
}
