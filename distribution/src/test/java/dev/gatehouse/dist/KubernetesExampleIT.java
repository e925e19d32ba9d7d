package dev.gatehouse.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes example and its Dockerfile, as shipped in the archive, agree with each other and with
 * conf/gatehouse.yaml. Neither docker nor a cluster runs here: this checks what they would be given.
 */
class KubernetesExampleIT {

    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    @TempDir
    static Path dir;
    private static Installation installed;
    private static List<JsonNode> manifest;
    private static JsonNode deployment;
    private static JsonNode container;
    private static String dockerfile;

    @BeforeAll
    static void load() throws Exception {
        installed = Installation.unpack(dir);
        manifest = documents(installed.home.resolve("deploy/kubernetes/gatehouse.yaml"));
        deployment = kind(manifest, "Deployment");
        container = deployment.at("/spec/template/spec/containers/0");
        dockerfile = Files.readString(installed.home.resolve("deploy/docker/Dockerfile"));
    }

    @Test
    void theConfigMapHoldsTheShippedConfiguration() throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode inConfigMap = yaml.readTree(kind(manifest, "ConfigMap").at("/data/gatehouse.yaml").asText());
        assertThat(inConfigMap).isEqualTo(yaml.readTree(installed.shippedConfig));
    }

    @Test
    void thePodRunsTheImagesLauncherWithTheConfigMapAndAWritableStateVolume() throws Exception {
        assertThat(container.get("image").asText()).isEqualTo("gatehouse:" + Installation.version());
        assertThat(json(instruction("ENTRYPOINT"))).containsExactly("/opt/gatehouse/bin/gatehouse");
        assertThat(installed.map("/opt/gatehouse/bin/gatehouse")).isExecutable();
        List<String> args = json(container.get("args").toString());
        assertThat(args).containsExactly("run", "--config", "/etc/gatehouse/gatehouse.yaml");
        assertThat(json(instruction("CMD"))).isEqualTo(args);

        JsonNode config = mount(container, "/etc/gatehouse");
        assertThat(volume(config.get("name").asText()).at("/configMap/name").asText())
                .isEqualTo(kind(manifest, "ConfigMap").at("/metadata/name").asText());
        JsonNode state = mount(container, Installation.STATE_DIR);
        assertThat(state.path("readOnly").asBoolean(false)).isFalse();
        assertThat(volume(state.get("name").asText()).has("emptyDir")).isTrue();
        JsonNode conf = new YAMLMapper().readTree(installed.shippedConfig);
        assertThat(conf.at("/plugins/dir").asText()).startsWith(Installation.STATE_DIR + "/");
        assertThat(conf.at("/heartbeat/file").asText()).startsWith(Installation.STATE_DIR + "/");
    }

    @Test
    void theInitContainerFillsThePluginsFolderFromTheImage() throws Exception {
        JsonNode init = deployment.at("/spec/template/spec/initContainers/0");
        assertThat(init.get("image").asText()).isEqualTo(container.get("image").asText());
        assertThat(mount(init, Installation.STATE_DIR).get("name")).isEqualTo(mount(container, Installation.STATE_DIR).get("name"));
        String script = init.get("command").get(2).asText();
        String pluginsDir = new YAMLMapper().readTree(installed.shippedConfig).at("/plugins/dir").asText();
        assertThat(script).contains("cp /opt/gatehouse/plugins/*.jar " + pluginsDir + "/");
        var jars = FileSystems.getDefault().getPathMatcher("glob:*.jar");
        try (var s = Files.list(installed.map("/opt/gatehouse/plugins"))) {
            assertThat(s.filter(p -> jars.matches(p.getFileName()))).hasSize(2);
        }
    }

    @Test
    void probesAndTheMetricsScrapeUseTheAdminPortAndTheScrapeSendsTheAdminToken() throws Exception {
        JsonNode conf = new YAMLMapper().readTree(installed.shippedConfig);
        String listen = conf.at("/admin/listen").asText();
        int shippedPort = Integer.parseInt(listen.replaceAll(".*:(\\d+)}?$", "$1"));
        assertThat(env(container, "GATEHOUSE_ADMIN_LISTEN").get("value").asText()).isEqualTo("0.0.0.0:" + shippedPort);
        JsonNode port = container.at("/ports/0");
        assertThat(port.get("containerPort").asInt()).isEqualTo(shippedPort);
        assertThat(instruction("EXPOSE")).isEqualTo(String.valueOf(shippedPort));
        String portName = port.get("name").asText();
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/livez");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo(portName);
        }

        JsonNode service = kind(manifest, "Service");
        JsonNode monitor = kind(documents(installed.home.resolve("deploy/kubernetes/servicemonitor.yaml")), "ServiceMonitor");
        JsonNode endpoint = monitor.at("/spec/endpoints/0");
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo(portName);
        assertThat(endpoint.get("port").asText()).isEqualTo(service.at("/spec/ports/0/name").asText());
        assertThat(monitor.at("/spec/selector/matchLabels")).isEqualTo(service.at("/metadata/labels"));
        assertThat(endpoint.get("path").asText()).isEqualTo("/metrics");
        assertThat(conf.at("/admin/token").asText()).isEqualTo("${GATEHOUSE_ADMIN_TOKEN}");
        assertThat(endpoint.at("/authorization/type").asText()).isEqualTo("Bearer");
        assertThat(endpoint.at("/authorization/credentials"))
                .isEqualTo(env(container, "GATEHOUSE_ADMIN_TOKEN").at("/valueFrom/secretKeyRef"));
    }

    @Test
    void everyVariableTheConfigurationNeedsIsSetInThePodAndListedInTheEnvironmentExample() throws Exception {
        Set<String> needed = new TreeSet<>();
        for (String value : values(new YAMLMapper().readTree(installed.shippedConfig), new ArrayList<>())) {
            Matcher m = REQUIRED_VARIABLE.matcher(value);
            while (m.find()) {
                needed.add(m.group(1));
            }
        }
        assertThat(needed).contains("GATEHOUSE_ADMIN_TOKEN", "SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "DISCORD_TOKEN");
        String example = Files.readString(installed.home.resolve("conf/gatehouse.env.example"));
        for (String name : needed) {
            JsonNode e = env(container, name);
            assertThat(e.has("value") || e.at("/valueFrom/secretKeyRef/key").asText().equals(name)).as(name).isTrue();
            assertThat(example).as("conf/gatehouse.env.example").containsPattern("(?m)^" + name + "=");
        }
    }

    @Test
    void theImageRunsAsTheNonRootUserThePodRunsAs() {
        String uid = deployment.at("/spec/template/spec/securityContext/runAsUser").asText();
        assertThat(deployment.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(instruction("USER")).isEqualTo(uid + ":" + deployment.at("/spec/template/spec/securityContext/runAsGroup").asText());
        assertThat(dockerfile).contains("--uid " + uid);
        assertThat(dockerfile).containsPattern("(?m)^FROM eclipse-temurin:17-jre");
        String added = instruction("ADD").split("\\s+")[0];
        assertThat(FileSystems.getDefault().getPathMatcher("glob:" + added).matches(Installation.archive().getFileName()))
                .as("ADD %s takes %s", added, Installation.archive().getFileName()).isTrue();
    }

    /** Every scalar of a YAML tree (its comments are not in it). */
    private static List<String> values(JsonNode n, List<String> out) {
        if (n.isValueNode()) {
            out.add(n.asText());
        }
        n.forEach(child -> values(child, out));
        return out;
    }

    private static List<JsonNode> documents(Path file) throws Exception {
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            return new ObjectMapper().readValues(parser, JsonNode.class).readAll();
        }
    }

    private static JsonNode kind(List<JsonNode> docs, String kind) {
        List<JsonNode> of = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertThat(of).as("one %s", kind).hasSize(1);
        return of.get(0);
    }

    private static JsonNode mount(JsonNode c, String path) {
        Optional<JsonNode> m = stream(c.get("volumeMounts")).filter(v -> path.equals(v.get("mountPath").asText())).findFirst();
        assertThat(m).as("%s mounted in %s", path, c.get("name")).isPresent();
        return m.get();
    }

    private static JsonNode volume(String name) {
        return stream(deployment.at("/spec/template/spec/volumes")).filter(v -> name.equals(v.get("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static JsonNode env(JsonNode c, String name) {
        return stream(c.get("env")).filter(e -> name.equals(e.get("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not set in container " + c.get("name")));
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out.stream();
    }

    /** The argument of the last Dockerfile instruction of that name (the final stage's). */
    private static String instruction(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\s+(.+)$").matcher(dockerfile);
        String last = null;
        while (m.find()) {
            last = m.group(1).trim();
        }
        assertThat(last).as("%s in the Dockerfile", name).isNotNull();
        return last;
    }

    private static List<String> json(String array) throws Exception {
        return List.of(new ObjectMapper().readValue(array, String[].class));
    }
}
