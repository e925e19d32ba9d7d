package dev.gatehouse.host.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.host.heartbeat.HeartbeatStatus;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.reload.ReloadResult;
import dev.gatehouse.host.status.ClusterStatus;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.status.HostStatus;
import dev.gatehouse.host.status.OutageEvent;
import java.time.Instant;

/** The admin API's JSON shapes, written field by field so the names are a stable contract. */
public final class StatusJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusJson() {
    }

    /** {@code GET /status}. */
    public static ObjectNode status(HostStatus s) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode conns = root.putArray("connections");
        s.connections().forEach(c -> {
            ObjectNode n = connection(c);
            if (s.cluster() != null) {
                n.put("owner", s.cluster().ownerOf(c.workspace(), c.platform()));
                n.put("pinnedTo", s.cluster().pinOf(c.workspace(), c.platform()));
                n.put("ownerState", s.cluster().ownerStateOf(c.workspace(), c.platform()));
            }
            conns.add(n);
        });
        if (s.cluster() != null) {
            root.set("cluster", cluster(s.cluster()));
        }
        ArrayNode plugins = root.putArray("plugins");
        s.plugins().forEach(p -> plugins.add(plugin(p)));
        root.set("heartbeat", heartbeat(s.heartbeat()));
        ArrayNode problems = root.putArray("problems");
        s.problems().forEach(problems::add);
        root.put("restartRecommended", s.plugins().stream().anyMatch(PluginStatus::leakSuspected));
        return root;
    }

    static ObjectNode connection(ConnectionStatus c) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("workspace", c.workspace());
        n.put("platform", c.platform());
        n.put("state", c.state().name());
        n.put("epoch", c.epoch());
        n.put("stateSince", iso(c.stateSince()));
        n.put("forcedReconnects", c.forcedReconnects());
        n.put("libraryReconnects", c.libraryReconnects());
        n.put("flapReconnects", c.flapReconnects());
        n.put("stormReconnects", c.stormReconnects());
        n.put("manualReconnects", c.manualReconnects());
        n.set("lastOutage", outage(c.lastOutage()));
        n.put("sockets", c.sockets());
        if (c.serverConnections() >= 0) {
            n.put("serverConnections", c.serverConnections());
        } else {
            n.putNull("serverConnections");
        }
        n.put("lastError", c.lastError());
        n.put("consecutiveFailures", c.consecutiveFailures());
        n.put("networkDown", c.networkDown());
        n.put("transportHookable", c.transportHookable());
        n.put("disconnectedSince", iso(c.disconnectedSince()));
        n.put("heartbeatWithheldBecause", c.heartbeatWithheldBecause());
        return n;
    }

    static ObjectNode cluster(ClusterStatus c) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("hostId", c.hostId());
        ArrayNode members = n.putArray("members");
        c.members().forEach(members::add);
        n.put("zookeeper", c.zookeeper());
        n.put("fenced", c.fenced());
        return n;
    }

    static ObjectNode plugin(PluginStatus p) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", p.id());
        n.put("version", p.version());
        n.put("state", p.state());
        ArrayNode platforms = n.putArray("platforms");
        p.platforms().forEach(platforms::add);
        n.put("jar", p.jar());
        n.put("problem", p.problem());
        n.put("leakSuspected", p.leakSuspected());
        return n;
    }

    static ObjectNode heartbeat(HeartbeatStatus h) {
        ObjectNode n = MAPPER.createObjectNode();
        if (h == null) {
            return n;
        }
        n.put("file", h.file());
        n.put("lastWrite", iso(h.lastWrite()));
        n.put("withheld", h.withheld());
        ArrayNode reasons = n.putArray("withheldBecause");
        h.withheldBecause().forEach(reasons::add);
        n.put("lastError", h.lastError());
        return n;
    }

    static ObjectNode outage(OutageEvent o) {
        if (o == null) {
            return null;
        }
        ObjectNode n = MAPPER.createObjectNode();
        n.put("downFrom", iso(o.downFrom()));
        n.put("upAt", iso(o.upAt()));
        n.put("gapSeconds", o.gap().toSeconds());
        n.put("recovered", o.recovered());
        n.put("complete", o.complete());
        n.put("backfill", o.backfill());
        return n;
    }

    static ObjectNode reload(ReloadResult r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("plugin", r.pluginId());
        n.put("outcome", r.outcome().name());
        n.put("fromVersion", r.fromVersion());
        n.put("toVersion", r.toVersion());
        n.put("tookMillis", r.took().toMillis());
        n.put("reason", r.reason());
        return n;
    }

    private static String iso(Instant i) {
        return i == null ? null : i.toString();
    }
}
