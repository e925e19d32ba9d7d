package dev.gatehouse.host.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.api.Durations;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads and validates the YAML configuration. Collects every problem before failing, each naming its
 * key path and the fix; rejects unknown keys and values outside their documented range
 * ({@link ConfigLimits}); resolves {@code ${ENV}} and {@code ${ENV:-default}} in values; never puts a
 * secret value in a message. The file itself is bounded by {@link YamlInput}.
 */
public final class ConfigLoader {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** ZooKeeper's connect string: host:port pairs, an optional chroot path after the last. */
    private static final Pattern ZK_CONNECT = Pattern.compile("[A-Za-z0-9_.\\[\\]:-]+:\\d{1,5}(,[A-Za-z0-9_.\\[\\]:-]+:\\d{1,5})*(/[A-Za-z0-9_./-]*)?");
    private static final Set<String> TOP = Set.of("plugins", "heartbeat", "health", "admin", "backfill", "cluster",
            "workspaces");

    private final Function<String, String> env;

    /** A loader reading environment variables from the process. */
    public ConfigLoader() {
        this(System::getenv);
    }

    /** A loader with its own environment (tests, embedding). */
    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    /** Reads a file (at most 1 MiB); relative paths inside resolve against its folder. */
    public GatehouseConfig load(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = readLimited(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of("file not found; pass an existing file with --config"));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot be read: " + e.getMessage()));
        }
        List<String> problems = new ArrayList<>();
        String text = YamlInput.text(file, bytes, problems);
        if (text == null) {
            throw new ConfigException(file.toString(), problems);
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), base);
    }

    /**
     * The file's bytes, read only up to one byte past the size limit, so that watching a file that grew
     * huge costs no more than reading a valid one.
     */
    public static byte[] readLimited(Path file) throws IOException {
        return YamlInput.readLimited(file);
    }

    /** Parses YAML text; relative paths resolve against {@code baseDir}. */
    public GatehouseConfig parse(String yaml, String source, Path baseDir) throws ConfigException {
        List<String> yamlProblems = new ArrayList<>();
        JsonNode root = new YamlInput().parse(yaml, yamlProblems);
        if (!yamlProblems.isEmpty()) {
            throw new ConfigException(source, yamlProblems);
        }
        Walker w = new Walker();
        GatehouseConfig config = w.root(root == null || root.isMissingNode() ? null : root, source, baseDir);
        if (!w.problems.isEmpty()) {
            throw new ConfigException(source, w.problems);
        }
        return config;
    }

    /** Whether a setting key holds a secret by its name. */
    public static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("token") || k.contains("secret") || k.contains("password");
    }

    /** The configuration's schema: which sections and keys exist, and what each becomes. */
    private final class Walker extends ConfigValues {

        Walker() {
            super(env);
        }

        GatehouseConfig root(JsonNode root, String source, Path base) {
            if (root == null || root.isNull()) {
                problems.add("(root): the file is empty; start from the example in the README");
                return null;
            }
            if (!root.isObject()) {
                problems.add("(root): expected a mapping of sections (" + String.join(", ", TOP) + ")");
                return null;
            }
            known("", root, TOP);
            JsonNode plugins = section(root, "plugins", Set.of("dir", "quietPeriod", "leakCheckTimeout"));
            Path pluginsDir = path(plugins, "plugins.dir", base).orElse(base.resolve("plugins").normalize());
            Duration quiet = duration(plugins, "plugins.quietPeriod", Duration.ofSeconds(2));
            Duration leakTimeout = duration(plugins, "plugins.leakCheckTimeout", Duration.ofSeconds(90));
            JsonNode hb = section(root, "heartbeat", Set.of("file", "interval"));
            Optional<Path> hbFile = path(hb, "heartbeat.file", base);
            Duration hbInterval = duration(hb, "heartbeat.interval", Duration.ofSeconds(10));
            HealthPolicy health = health(section(root, "health", Set.of("checkInterval", "fastCheckInterval",
                    "staleAfter", "maxReconnectAttempts", "backoffBase", "backoffCap", "closeTimeout", "openTimeout",
                    "outageReportAfter", "probeTimeout", "flapDetection", "stormGuard")));
            GatehouseConfig.AdminSettings admin = admin(section(root, "admin", Set.of("enabled", "listen", "token")));
            JsonNode bf = section(root, "backfill", Set.of("enabled", "stateDir"));
            BackfillPolicy backfill = BackfillPolicy.defaults();
            backfill = path(bf, "backfill.stateDir", base).map(backfill::withStateDir).orElse(backfill);
            backfill = bool(bf, "backfill.enabled", true) ? backfill : backfill.disabled();
            JsonNode clusterNode = section(root, "cluster", Set.of("zookeeper", "namespace", "hostId", "sessionTimeout"));
            Duration session = clusterNode == null ? ClusterSettings.DEFAULT_SESSION_TIMEOUT
                    : duration(clusterNode, "cluster.sessionTimeout", ClusterSettings.DEFAULT_SESSION_TIMEOUT);
            JsonNode healthNode = root.get("health");
            if (clusterNode != null && (healthNode == null || !healthNode.isObject() || !healthNode.has("closeTimeout"))) {
                // A cluster needs closes well within the session timeout; unset, the bound follows it.
                health = health.withCloseTimeout(ClusterSettings.defaultCloseTimeout(session, health.closeTimeout()));
            }
            Optional<ClusterSettings> cluster = cluster(clusterNode, session, health);
            Map<String, List<PlatformSettings>> workspaces = workspaces(root.get("workspaces"));
            return new GatehouseConfig(source, pluginsDir, quiet, leakTimeout, hbFile, hbInterval, health, admin, workspaces,
                    Set.copyOf(secrets), backfill, cluster);
        }

        HealthPolicy health(JsonNode h) {
            HealthPolicy d = HealthPolicy.defaults();
            JsonNode flap = section(h, "flapDetection", Set.of("enabled", "window", "downRatio"), "health.");
            JsonNode storm = section(h, "stormGuard", Set.of("enabled", "maxDisconnects", "window"), "health.");
            HealthPolicy p = new HealthPolicy(
                    duration(h, "health.checkInterval", d.checkInterval()),
                    duration(h, "health.fastCheckInterval", d.fastCheckInterval()),
                    duration(h, "health.staleAfter", d.staleAfter()),
                    count(h, "health.maxReconnectAttempts", d.maxReconnectAttempts()),
                    duration(h, "health.backoffBase", d.backoffBase()),
                    duration(h, "health.backoffCap", d.backoffCap()),
                    duration(h, "health.closeTimeout", d.closeTimeout()),
                    duration(h, "health.openTimeout", d.openTimeout()),
                    duration(h, "health.outageReportAfter", d.outageReportAfter()),
                    duration(h, "health.probeTimeout", d.probeTimeout()),
                    bool(flap, "health.flapDetection.enabled", d.flapDetection()),
                    duration(flap, "health.flapDetection.window", d.flapWindow()),
                    ratio(flap, "health.flapDetection.downRatio", d.flapDownRatio()),
                    bool(storm, "health.stormGuard.enabled", d.stormGuard()),
                    count(storm, "health.stormGuard.maxDisconnects", d.stormMaxDisconnects()),
                    duration(storm, "health.stormGuard.window", d.stormWindow()));
            if (p.backoffBase().compareTo(p.backoffCap()) > 0) {
                problems.add("health.backoffBase: " + Durations.format(p.backoffBase()) + " is larger than health.backoffCap ("
                        + Durations.format(p.backoffCap()) + "); make the base smaller than the cap");
            }
            return p;
        }

        /** The cluster section: absent means the host runs alone. */
        Optional<ClusterSettings> cluster(JsonNode c, Duration session, HealthPolicy health) {
            if (c == null) {
                return Optional.empty();
            }
            Optional<String> zk = text(c, "cluster.zookeeper");
            if (zk.isEmpty()) {
                problems.add("cluster.zookeeper: missing; name the ZooKeeper ensemble, e.g. zk1:2181,zk2:2181,zk3:2181"
                        + " (or remove the cluster section to run this host alone)");
            } else if (!ZK_CONNECT.matcher(zk.get()).matches()) {
                problems.add("cluster.zookeeper: '" + zk.get() + "' is not a ZooKeeper connect string; write host:port"
                        + " pairs separated by commas, e.g. zk1:2181,zk2:2181,zk3:2181");
            }
            String namespace = text(c, "cluster.namespace").orElse("gatehouse");
            if (!ID.matcher(namespace).matches()) {
                problems.add("cluster.namespace: '" + namespace + "' may hold letters, digits, '_', '.' and '-' (at most 64)");
            }
            Optional<String> hostId = text(c, "cluster.hostId");
            if (hostId.isEmpty()) {
                problems.add("cluster.hostId: missing; give each host a unique, stable name, e.g. ${HOSTNAME}");
            } else if (!ID.matcher(hostId.get()).matches()) {
                problems.add("cluster.hostId: '" + hostId.get() + "' may hold letters, digits, '_', '.' and '-' (at most 64)");
            }
            String unsafe = ClusterSettings.unsafeWith(session, health.closeTimeout());
            if (unsafe != null) {
                problems.add(unsafe);
            }
            return Optional.of(new ClusterSettings(zk.orElse(""), namespace, hostId.orElse(""), session));
        }

        GatehouseConfig.AdminSettings admin(JsonNode a) {
            boolean enabled = bool(a, "admin.enabled", true);
            String listen = text(a, "admin.listen").orElse("127.0.0.1:8686");
            String host = "127.0.0.1";
            int port = 8686;
            int colon = listen.lastIndexOf(':');
            boolean valid = false;
            try {
                if (colon <= 0) {
                    throw new NumberFormatException();
                }
                long p = Long.parseLong(listen.substring(colon + 1));
                if (!ConfigLimits.PORT.contains(p)) {
                    problems.add("admin.listen: port " + p + " is out of range " + ConfigLimits.PORT
                            + "; write host:port, e.g. 127.0.0.1:8686 (port 0 picks a free one)");
                } else {
                    host = listen.substring(0, colon);
                    port = (int) p;
                    valid = true;
                }
            } catch (NumberFormatException e) {
                problems.add("admin.listen: '" + listen + "' is not host:port; write e.g. 127.0.0.1:8686 (port 0 picks a free one)");
            }
            Optional<String> token = text(a, "admin.token");
            token.ifPresent(secrets::add);
            // Without a token anyone who can reach the port may disable connections or reload plugins.
            if (enabled && valid && token.isEmpty() && !Loopback.is(host)) {
                problems.add("admin.listen: " + listen + " is reachable from other machines and admin.token is not set;"
                        + " set admin.token (e.g. ${GATEHOUSE_ADMIN_TOKEN}) or bind 127.0.0.1");
            }
            return new GatehouseConfig.AdminSettings(enabled, host, port, token);
        }

        Map<String, List<PlatformSettings>> workspaces(JsonNode ws) {
            Map<String, List<PlatformSettings>> out = new LinkedHashMap<>();
            if (ws == null || ws.isNull()) {
                return out;
            }
            if (!ws.isObject()) {
                problems.add("workspaces: expected a mapping of workspace ids to their platforms");
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = ws.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String id = e.getKey();
                String path = "workspaces." + id;
                if (!ID.matcher(id).matches()) {
                    problems.add(path + ": workspace ids may hold letters, digits, '_', '.' and '-' (at most 64)");
                    continue;
                }
                if (!e.getValue().isObject() || e.getValue().isEmpty()) {
                    problems.add(path + ": expected at least one platform, e.g. 'slack:' with its settings");
                    continue;
                }
                List<PlatformSettings> platforms = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> pit = e.getValue().fields(); pit.hasNext();) {
                    Map.Entry<String, JsonNode> p = pit.next();
                    String pp = path + "." + p.getKey();
                    if (!ID.matcher(p.getKey()).matches()) {
                        problems.add(pp + ": platform keys may hold letters, digits, '_', '.' and '-'");
                        continue;
                    }
                    if (p.getValue() != null && !p.getValue().isNull() && !p.getValue().isObject()) {
                        problems.add(pp + ": expected the platform's settings as a mapping");
                        continue;
                    }
                    JsonNode node = p.getValue();
                    boolean enabled = bool(node, pp + ".enabled", true);
                    Map<String, Object> values = new LinkedHashMap<>();
                    if (node != null && !node.isNull()) {
                        node.fields().forEachRemaining(f -> {
                            if (!f.getKey().equals("enabled")) {
                                values.put(f.getKey(), plain(f.getValue(), pp + "." + f.getKey(), looksSecret(f.getKey())));
                            }
                        });
                    }
                    values.values().removeIf(v -> v == null);
                    platforms.add(new PlatformSettings(id, p.getKey(), enabled, values));
                }
                out.put(id, platforms);
            }
            return out;
        }

        /** A YAML value as plain Java (String, Integer, Long, Double, Boolean, List, Map), env resolved. */
        Object plain(JsonNode n, String path, boolean secret) {
            if (n == null || n.isNull()) {
                return null;
            }
            if (n.isTextual()) {
                String v = resolve(n.asText(), path);
                if (secret && v != null && !v.isEmpty()) {
                    secrets.add(v);
                }
                return v;
            }
            if (n.isBoolean()) {
                return n.booleanValue();
            }
            if (n.isIntegralNumber()) {
                return n.canConvertToInt() ? (Object) n.intValue() : (Object) n.longValue();
            }
            if (n.isNumber()) {
                return n.doubleValue();
            }
            if (n.isArray()) {
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < n.size(); i++) {
                    list.add(plain(n.get(i), path + "[" + i + "]", secret));
                }
                return List.copyOf(list.stream().filter(x -> x != null).toList());
            }
            Map<String, Object> map = new LinkedHashMap<>();
            n.fields().forEachRemaining(f -> {
                Object v = plain(f.getValue(), path + "." + f.getKey(), secret || looksSecret(f.getKey()));
                if (v != null) {
                    map.put(f.getKey(), v);
                }
            });
            return Map.copyOf(map);
        }

    }

}
