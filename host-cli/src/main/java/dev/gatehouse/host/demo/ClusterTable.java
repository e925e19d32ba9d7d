package dev.gatehouse.host.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The cluster demo's live table: the hosts, then every connection with its owner and state, then the latest moves. */
final class ClusterTable {

    /** One connection as the cluster runs it: its owner (or "-") and its state there. */
    record Row(String platform, String workspace, String owner, String state) {
        String key() {
            return platform + "/" + workspace;
        }
    }

    private ClusterTable() {
    }

    /**
     * Every connection any live host reports, with the owner the hosts agree on and the state on that
     * owner. A connection no host owns shows "-" and UNOWNED.
     */
    static List<Row> rows(Map<String, JsonNode> statuses) {
        Map<String, String> owner = new TreeMap<>();
        Map<String, String> state = new HashMap<>();
        statuses.forEach((host, s) -> {
            if (s == null) {
                return;
            }
            for (JsonNode c : s.path("connections")) {
                String key = c.path("platform").asText() + "/" + c.path("workspace").asText();
                owner.putIfAbsent(key, "-");
                if (c.path("owner").isTextual()) {
                    owner.put(key, c.get("owner").asText());
                }
                if (host.equals(c.path("owner").asText(null))) {
                    state.put(key, c.path("state").asText());
                }
            }
        });
        List<Row> rows = new ArrayList<>();
        owner.forEach((key, o) -> {
            int slash = key.indexOf('/');
            rows.add(new Row(key.substring(0, slash), key.substring(slash + 1), o,
                    state.getOrDefault(key, "-".equals(o) ? "UNOWNED" : "?")));
        });
        return rows;
    }

    /** Connections moving after a kill, and how long each took to be CONNECTED on another host. */
    static final class Moves {
        private final Map<String, String> ownerSeen = new HashMap<>();
        /** Connection → (killed host, kill time) while it has not come up elsewhere. */
        private final Map<String, Object[]> pending = new HashMap<>();
        private final Deque<String> done = new ArrayDeque<>();

        synchronized void killed(String host, Instant at) {
            ownerSeen.forEach((key, owner) -> {
                if (owner.equals(host)) {
                    pending.put(key, new Object[] {host, at});
                }
            });
        }

        synchronized void observe(List<Row> rows, Instant now) {
            for (Row r : rows) {
                Object[] p = pending.get(r.key());
                if (p != null && "CONNECTED".equals(r.state()) && !r.owner().equals(p[0])) {
                    pending.remove(r.key());
                    done.addFirst(String.format("%s: %s → %s, CONNECTED %.1f s after the kill", r.key(), p[0], r.owner(),
                            Duration.between((Instant) p[1], now).toMillis() / 1000.0));
                    while (done.size() > 6) {
                        done.removeLast();
                    }
                }
                if ("CONNECTED".equals(r.state())) {
                    ownerSeen.put(r.key(), r.owner());
                }
            }
        }

        synchronized List<String> latest() {
            return List.copyOf(done);
        }

        synchronized int waiting() {
            return pending.size();
        }
    }

    static String render(Map<String, JsonNode> statuses, Map<String, String> adminUrls, List<Row> rows, Map<String, Instant> down, Map<String, Long> acked,
            Moves moves, String zookeeper, String lastKill, Duration killEvery, Duration restartAfter, Duration uptime) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Gatehouse cluster demo — up %ds — %d hosts on ZooKeeper %s — one host killed (SIGKILL) every %d s,"
                + " and started again %d s later%n%n", uptime.toSeconds(), statuses.size(), zookeeper, killEvery.toSeconds(),
                restartAfter.toSeconds()));
        String hf = "%-8s %-22s %5s  %-10s %s%n";
        b.append(String.format(hf, "HOST", "STATE", "OWNS", "ZOOKEEPER", "ADMIN API"));
        statuses.forEach((host, s) -> {
            Instant killed = down.get(host);
            long owns = rows.stream().filter(r -> r.owner().equals(host)).count();
            String state = killed != null ? "down (killed " + Duration.between(killed, Instant.now()).toSeconds() + " s ago)"
                    : s == null ? "starting" : s.at("/cluster/fenced").isTextual() ? "fenced" : "up";
            b.append(String.format(hf, host, state, s == null ? "-" : String.valueOf(owns),
                    s == null ? "-" : s.at("/cluster/zookeeper").asText("-"), adminUrls.getOrDefault(host, "-")));
        });
        String cf = "%-8s %-10s %-8s %-13s %8s%n";
        b.append(String.format("%n" + cf, "PLATFORM", "WORKSPACE", "OWNER", "STATE", "ACKED"));
        for (Row r : rows) {
            Long a = acked.get(r.key());
            String state = "?".equals(r.state()) && down.containsKey(r.owner()) ? "OWNER DOWN" : r.state();
            b.append(String.format(cf, r.platform(), r.workspace(), r.owner(), state, a == null ? "-" : a));
        }
        b.append(String.format("%nlast kill: %s%n", lastKill == null ? "none yet" : lastKill));
        if (moves.waiting() > 0) {
            b.append(moves.waiting()).append(" connection(s) waiting for the dead host's ZooKeeper session to expire\n");
        }
        moves.latest().forEach(m -> b.append("moved ").append(m).append('\n'));
        b.append("Ctrl-C to stop.\n");
        return b.toString();
    }
}
