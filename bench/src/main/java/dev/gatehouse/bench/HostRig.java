package dev.gatehouse.bench;

import dev.gatehouse.api.Durations;
import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.events.InboundHandler;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real {@link GatewayHost} built from YAML, as an embedding application would build it, with the
 * packaged plugin jars in its own plugins folder. The admin API and the heartbeat file are off: they
 * are not what is measured.
 */
final class HostRig implements AutoCloseable {

    /** One (workspace, platform) entry of the configuration; settings are written as YAML strings. */
    record Workspace(String id, String platform, Map<String, String> settings) {

        static Workspace slack(String id, String appToken, String botToken, String apiUrl, boolean transportHooks) {
            Map<String, String> s = new LinkedHashMap<>();
            s.put("appToken", appToken);
            s.put("botToken", botToken);
            s.put("apiUrl", apiUrl);
            s.put("transportHooks", Boolean.toString(transportHooks));
            return new Workspace(id, "slack", s);
        }

        static Workspace discord(String id, String token, String apiUrl, String gatewayUrl) {
            return new Workspace(id, "discord", Map.of("token", token, "apiUrl", apiUrl, "gatewayUrl", gatewayUrl));
        }
    }

    private final Path dir;
    private final Path pluginsDir;
    private final GatewayHost host;
    /** Process exits the host asked for; recorded, because a benchmark must not end on one. */
    private final List<String> exitRequests = new CopyOnWriteArrayList<>();
    private volatile List<Workspace> workspaces;
    private volatile HealthPolicy health;

    private HostRig(Path dir, Path pluginsDir, HealthPolicy health, List<Workspace> workspaces, InboundHandler handler)
            throws Exception {
        this.dir = dir;
        this.pluginsDir = pluginsDir;
        this.health = health;
        this.workspaces = List.copyOf(workspaces);
        this.host = GatewayHost.builder().config(config(this.workspaces))
                .processExit((code, reason) -> exitRequests.add(code + ": " + reason))
                .onEvent(handler).build();
    }

    /** Builds and starts a host; returns without waiting for its connections. */
    static HostRig start(Path dir, Path pluginsDir, HealthPolicy health, List<Workspace> workspaces,
            InboundHandler handler) throws Exception {
        HostRig rig = new HostRig(dir, pluginsDir, health, workspaces, handler);
        rig.host.start();
        return rig;
    }

    GatewayHost host() {
        return host;
    }

    /** Applies a configuration with these workspaces instead (the host diffs it, as on a file change). */
    void apply(List<Workspace> next) throws Exception {
        workspaces = List.copyOf(next);
        host.applyConfig(config(workspaces));
    }

    /** Applies another health policy to every supervisor; the connections stay as they are. */
    void apply(HealthPolicy next) throws Exception {
        health = next;
        host.applyConfig(config(workspaces));
    }

    List<Workspace> workspaces() {
        return workspaces;
    }

    /** Every configured connection is CONNECTED. */
    boolean allConnected() {
        List<ConnectionStatus> all = host.status().connections();
        return all.size() == workspaces.size() && all.stream().allMatch(c -> c.state() == ConnectionState.CONNECTED);
    }

    void awaitAllConnected(Duration within) {
        Poll.require(within, workspaces.size() + " connection(s) to be CONNECTED", this::allConnected);
    }

    Optional<ConnectionStatus> status(String workspace, String platform) {
        return host.status().connections().stream()
                .filter(c -> c.workspace().equals(workspace) && c.platform().equals(platform)).findFirst();
    }

    List<String> exitRequests() {
        return exitRequests;
    }

    private GatehouseConfig config(List<Workspace> list) throws Exception {
        StringBuilder y = new StringBuilder();
        y.append("plugins:\n  dir: ").append(quoted(pluginsDir.toAbsolutePath().toString())).append('\n');
        y.append("admin:\n  enabled: false\n");
        y.append("health:\n");
        healthLines(health).forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
        // An empty configuration is an empty mapping: a bare "workspaces:" is null, which the loader rightly refuses.
        y.append(list.isEmpty() ? "workspaces: {}\n" : "workspaces:\n");
        Map<String, StringBuilder> byWorkspace = new LinkedHashMap<>();
        for (Workspace w : list) {
            StringBuilder b = byWorkspace.computeIfAbsent(w.id(), k -> new StringBuilder());
            b.append("    ").append(w.platform()).append(":\n");
            w.settings().forEach((k, v) -> b.append("      ").append(k).append(": ").append(quoted(v)).append('\n'));
        }
        byWorkspace.forEach((id, b) -> y.append("  ").append(id).append(":\n").append(b));
        return new ConfigLoader(name -> null).parse(y.toString(), "bench.yaml", dir);
    }

    /** The {@code health:} section for a policy, nested sections flattened into YAML flow mappings. */
    static Map<String, String> healthLines(HealthPolicy p) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("checkInterval", Durations.format(p.checkInterval()));
        m.put("fastCheckInterval", Durations.format(p.fastCheckInterval()));
        m.put("staleAfter", Durations.format(p.staleAfter()));
        m.put("maxReconnectAttempts", Integer.toString(p.maxReconnectAttempts()));
        m.put("backoffBase", Durations.format(p.backoffBase()));
        m.put("backoffCap", Durations.format(p.backoffCap()));
        m.put("closeTimeout", Durations.format(p.closeTimeout()));
        m.put("openTimeout", Durations.format(p.openTimeout()));
        m.put("outageReportAfter", Durations.format(p.outageReportAfter()));
        m.put("probeTimeout", Durations.format(p.probeTimeout()));
        m.put("flapDetection", "{enabled: " + p.flapDetection() + ", window: " + Durations.format(p.flapWindow())
                + ", downRatio: " + p.flapDownRatio() + "}");
        m.put("stormGuard", "{enabled: " + p.stormGuard() + ", maxDisconnects: " + p.stormMaxDisconnects()
                + ", window: " + Durations.format(p.stormWindow()) + "}");
        return m;
    }

    private static String quoted(String v) {
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Override
    public void close() {
        host.close();
    }
}
