package dev.gatehouse.slack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real {@link GatewayHost} built from YAML, loading the packaged plugin jar through PF4J and
 * pointing each workspace at a simulator app. Everything it observes is recorded for assertions.
 */
final class SlackHost implements AutoCloseable {

    /** How a test's bot handles events; may be slow on purpose. */
    @FunctionalInterface
    interface Handler {
        void handle(String workspace, InboundEvent event) throws Exception;
    }

    final GatewayHost host;
    final Timeline timeline = new Timeline();
    final RecordingExit exit = new RecordingExit();
    /** Every event handed to the bot, in order, all workspaces. */
    final List<InboundEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, List<InboundEvent>> byWorkspace = new ConcurrentHashMap<>();
    final Path dir;
    private final SlackSimulator sim;
    private final List<SimSlackApp> apps;

    /** Backoff jitter is fixed at 1.0, so backoff delays are exactly base × 2^(n-1). */
    private SlackHost(GatehouseConfig config, Path dir, Handler handler, SlackSimulator sim, List<SimSlackApp> apps) {
        this.dir = dir;
        this.sim = sim;
        this.apps = apps;
        this.host = GatewayHost.builder().config(config).processExit(exit).listener(timeline).jitter(() -> 1.0)
                .onEvent((ws, platform, event) -> {
                    events.add(event);
                    byWorkspace.computeIfAbsent(ws, k -> new CopyOnWriteArrayList<>()).add(event);
                    handler.handle(ws, event);
                }).build();
    }

    /** The packaged plugin jar, copied into {@code dir/plugins} (once per folder). */
    static Path pluginsFolder(Path dir) throws IOException {
        String jar = System.getProperty("gatehouse.pluginJar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("plugin jar not found at " + jar + "; run the integration tests with mvn verify");
        }
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path target = plugins.resolve("slack-gateway-plugin.jar");
        if (!Files.exists(target)) {
            Files.copy(Path.of(jar), target, StandardCopyOption.REPLACE_EXISTING);
        }
        return plugins;
    }

    static Builder builder(SlackSimulator sim, Path dir) {
        return new Builder(sim, dir);
    }

    static final class Builder {
        private final SlackSimulator sim;
        private final Path dir;
        private final Map<String, SimSlackApp> workspaces = new LinkedHashMap<>();
        private final Map<String, String> health = new LinkedHashMap<>(Map.of(
                "checkInterval", "1s", "staleAfter", "8s", "backoffBase", "200ms", "backoffCap", "2s",
                "openTimeout", "10s", "closeTimeout", "10s", "maxReconnectAttempts", "6", "probeTimeout", "2s"));
        private final Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        private Handler handler = (ws, e) -> { };

        private Builder(SlackSimulator sim, Path dir) {
            this.sim = sim;
            this.dir = dir;
        }

        Builder workspace(String id, SimSlackApp app) {
            workspaces.put(id, app);
            return this;
        }

        Builder health(String key, String value) {
            health.put(key, value);
            return this;
        }

        /** Replaces or adds one setting of a workspace (passed through the environment, like the tokens). */
        Builder setting(String workspace, String key, String value) {
            overrides.computeIfAbsent(workspace, k -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        Builder handler(Handler h) {
            this.handler = h;
            return this;
        }

        /** Builds and starts the host. */
        SlackHost start() throws Exception {
            Map<String, String> env = new HashMap<>();
            StringBuilder yaml = new StringBuilder();
            yaml.append("plugins:\n  dir: ").append(pluginsFolder(dir)).append('\n')
                    .append("heartbeat:\n  file: run/alive\n  interval: 1s\n")
                    .append("admin:\n  enabled: false\n")
                    .append("health:\n");
            health.forEach((k, v) -> yaml.append("  ").append(k).append(": ").append(v).append('\n'));
            yaml.append("workspaces:\n");
            workspaces.forEach((id, app) -> {
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("appToken", app.appToken());
                settings.put("botToken", app.botToken());
                settings.put("apiUrl", sim.apiUrl());
                settings.putAll(overrides.getOrDefault(id, Map.of()));
                yaml.append("  ").append(id).append(":\n    slack:\n");
                settings.forEach((key, value) -> {
                    String var = (id + "_" + key).toUpperCase(Locale.ROOT).replace('-', '_');
                    env.put(var, value);
                    yaml.append("      ").append(key).append(": ${").append(var).append("}\n");
                });
            });
            GatehouseConfig config = new ConfigLoader(env::get).parse(yaml.toString(), "slack-it.yaml", dir);
            SlackHost started = new SlackHost(config, dir, handler, sim, List.copyOf(workspaces.values()));
            started.host.start();
            return started;
        }
    }

    ConnectionStatus status(String workspace) {
        return host.status().connections().stream().filter(c -> c.workspace().equals(workspace)).findFirst().orElseThrow();
    }

    ConnectionState state(String workspace) {
        return status(workspace).state();
    }

    /**
     * Waits until the workspace is in {@code state} and {@link #timeline} has recorded the transition into it:
     * the status snapshot is published before listeners run, so callers read the timeline right after.
     */
    SlackHost awaitState(String workspace, ConnectionState state, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> {
            List<Timeline.Transition> recorded = timeline.of(workspace);
            return state(workspace) == state && !recorded.isEmpty() && recorded.get(recorded.size() - 1).to() == state;
        });
        return this;
    }

    SlackHost awaitConnected(String workspace) {
        return awaitState(workspace, ConnectionState.CONNECTED, Duration.ofSeconds(20));
    }

    /** The events one workspace's bot was handed. */
    List<InboundEvent> events(String workspace) {
        return byWorkspace.getOrDefault(workspace, List.of());
    }

    List<InboundEvent> eventsWithId(String eventId) {
        return events.stream().filter(e -> e.eventId().equals(eventId)).toList();
    }

    /**
     * Closes the host, then checks what every scenario must leave behind: no socket open for any of
     * its apps, and never more than two open at once (since the last reset of that figure).
     */
    @Override
    public void close() {
        host.close();
        for (SimSlackApp app : apps) {
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats(app).openNow() == 0);
            assertThat(sim.stats(app).maxOpenAtOnce()).as("max sockets open at once for " + app).isLessThanOrEqualTo(2);
        }
    }
}
