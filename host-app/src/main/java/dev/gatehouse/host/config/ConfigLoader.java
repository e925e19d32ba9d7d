package dev.gatehouse.host.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gatehouse.api.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates the YAML configuration. Collects every problem before failing, each naming its
 * key path and the fix; rejects unknown keys; resolves {@code ${ENV}} and {@code ${ENV:-default}}
 * in values; never puts a secret value in a message.
 */
public final class ConfigLoader {

    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Set<String> TOP = Set.of("plugins", "heartbeat", "health", "admin", "workspaces");

    private final Function<String, String> env;

    /** A loader reading environment variables from the process. */
    public ConfigLoader() {
        this(System::getenv);
    }

    /** A loader with its own environment (tests, embedding). */
    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    /** Reads a file; relative paths inside resolve against its folder. */
    public GatehouseConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of("file not found; pass an existing file with --config"));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot be read: " + e.getMessage()));
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), base);
    }

    /** Parses YAML text; relative paths resolve against {@code baseDir}. */
    public GatehouseConfig parse(String yaml, String source, Path baseDir) throws ConfigException {
        JsonNode root;
        try {
            ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(source, List.of("not valid YAML" + where + ": " + e.getOriginalMessage()));
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

    private final class Walker {
        final List<String> problems = new ArrayList<>();
        final Set<String> secrets = new LinkedHashSet<>();

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
            Path pluginsDir = base.resolve(text(plugins, "plugins.dir").orElse("plugins")).normalize();
            Duration quiet = positive(plugins, "plugins.quietPeriod", Duration.ofSeconds(2));
            Duration leakTimeout = positive(plugins, "plugins.leakCheckTimeout", Duration.ofSeconds(90));
            JsonNode hb = section(root, "heartbeat", Set.of("file", "interval"));
            Optional<Path> hbFile = text(hb, "heartbeat.file").map(f -> base.resolve(f).normalize());
            Duration hbInterval = duration(hb, "heartbeat.interval", Duration.ofSeconds(10));
            HealthPolicy health = health(section(root, "health", Set.of("checkInterval", "fastCheckInterval",
                    "staleAfter", "maxReconnectAttempts", "backoffBase", "backoffCap", "closeTimeout", "openTimeout",
                    "outageReportAfter", "probeTimeout", "flapDetection", "stormGuard")));
            GatehouseConfig.AdminSettings admin = admin(section(root, "admin", Set.of("enabled", "listen", "token")));
            Map<String, List<PlatformSettings>> workspaces = workspaces(root.get("workspaces"));
            return new GatehouseConfig(source, pluginsDir, quiet, leakTimeout, hbFile, hbInterval, health, admin, workspaces,
                    Set.copyOf(secrets));
        }

        HealthPolicy health(JsonNode h) {
            HealthPolicy d = HealthPolicy.defaults();
            JsonNode flap = section(h, "flapDetection", Set.of("enabled", "window", "downRatio"), "health.");
            JsonNode storm = section(h, "stormGuard", Set.of("enabled", "maxDisconnects", "window"), "health.");
            HealthPolicy p = new HealthPolicy(
                    positive(h, "health.checkInterval", d.checkInterval()),
                    positive(h, "health.fastCheckInterval", d.fastCheckInterval()),
                    positive(h, "health.staleAfter", d.staleAfter()),
                    integer(h, "health.maxReconnectAttempts", d.maxReconnectAttempts(), 1),
                    positive(h, "health.backoffBase", d.backoffBase()),
                    positive(h, "health.backoffCap", d.backoffCap()),
                    positive(h, "health.closeTimeout", d.closeTimeout()),
                    positive(h, "health.openTimeout", d.openTimeout()),
                    positive(h, "health.outageReportAfter", d.outageReportAfter()),
                    positive(h, "health.probeTimeout", d.probeTimeout()),
                    bool(flap, "health.flapDetection.enabled", d.flapDetection()),
                    positive(flap, "health.flapDetection.window", d.flapWindow()),
                    ratio(flap, "health.flapDetection.downRatio", d.flapDownRatio()),
                    bool(storm, "health.stormGuard.enabled", d.stormGuard()),
                    integer(storm, "health.stormGuard.maxDisconnects", d.stormMaxDisconnects(), 1),
                    positive(storm, "health.stormGuard.window", d.stormWindow()));
            if (p.backoffBase().compareTo(p.backoffCap()) > 0) {
                problems.add("health.backoffBase: " + Durations.format(p.backoffBase()) + " is larger than health.backoffCap ("
                        + Durations.format(p.backoffCap()) + "); make the base smaller than the cap");
            }
            return p;
        }

        GatehouseConfig.AdminSettings admin(JsonNode a) {
            boolean enabled = bool(a, "admin.enabled", true);
            String listen = text(a, "admin.listen").orElse("127.0.0.1:8686");
            String host = "127.0.0.1";
            int port = 8686;
            int colon = listen.lastIndexOf(':');
            try {
                if (colon <= 0) {
                    throw new NumberFormatException();
                }
                host = listen.substring(0, colon);
                port = Integer.parseInt(listen.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add("admin.listen: '" + listen + "' is not host:port; write e.g. 127.0.0.1:8686 (port 0 picks a free one)");
            }
            Optional<String> token = text(a, "admin.token");
            token.ifPresent(secrets::add);
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

        String resolve(String value, String path) {
            Matcher m = ENV.matcher(value);
            StringBuilder out = new StringBuilder();
            boolean ok = true;
            while (m.find()) {
                String v = env.apply(m.group(1));
                if (v == null || v.isEmpty()) {
                    v = m.group(2);
                }
                if (v == null) {
                    problems.add(path + ": environment variable " + m.group(1) + " is not set; export it, give a default"
                            + " with ${" + m.group(1) + ":-value}, or write the value in the file");
                    ok = false;
                    v = "";
                }
                if (looksSecret(m.group(1)) && !v.isEmpty()) {
                    secrets.add(v);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(v));
            }
            m.appendTail(out);
            return ok ? out.toString() : null;
        }

        JsonNode section(JsonNode parent, String name, Set<String> keys) {
            return section(parent, name, keys, "");
        }

        JsonNode section(JsonNode parent, String name, Set<String> keys, String prefix) {
            JsonNode n = parent == null ? null : parent.get(name);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isObject()) {
                problems.add(prefix + name + ": expected a mapping with keys " + String.join(", ", new java.util.TreeSet<>(keys)));
                return null;
            }
            known(prefix + name + ".", n, keys);
            return n;
        }

        void known(String prefix, JsonNode n, Set<String> keys) {
            n.fieldNames().forEachRemaining(k -> {
                if (!keys.contains(k)) {
                    String near = keys.stream().filter(x -> x.equalsIgnoreCase(k) || distance(x, k) <= 2).findFirst()
                            .map(x -> "did you mean '" + x + "'? ").orElse("");
                    problems.add(prefix + k + ": unknown key; " + near + "known keys here: "
                            + String.join(", ", new java.util.TreeSet<>(keys)));
                }
            });
        }

        Optional<String> text(JsonNode parent, String path) {
            JsonNode n = parent == null ? null : parent.get(leaf(path));
            if (n == null || n.isNull()) {
                return Optional.empty();
            }
            if (!n.isValueNode()) {
                problems.add(path + ": expected a single value");
                return Optional.empty();
            }
            String v = resolve(n.asText(), path);
            if (v != null && v.isBlank()) {
                problems.add(path + ": is empty; give it a value or remove the key");
                return Optional.empty();
            }
            return Optional.ofNullable(v);
        }

        Duration positive(JsonNode parent, String path, Duration fallback) {
            Duration d = duration(parent, path, fallback);
            if (d.isZero() || d.isNegative()) {
                problems.add(path + ": must be longer than 0");
                return fallback;
            }
            return d;
        }

        Duration duration(JsonNode parent, String path, Duration fallback) {
            Optional<String> t = text(parent, path);
            if (t.isEmpty()) {
                return fallback;
            }
            try {
                return Durations.parse(t.get());
            } catch (IllegalArgumentException e) {
                problems.add(path + ": " + e.getMessage());
                return fallback;
            }
        }

        int integer(JsonNode parent, String path, int fallback, int min) {
            Optional<String> t = text(parent, path);
            if (t.isEmpty()) {
                return fallback;
            }
            try {
                int v = Integer.parseInt(t.get().trim());
                if (v < min) {
                    problems.add(path + ": must be at least " + min + ", found " + v);
                    return fallback;
                }
                return v;
            } catch (NumberFormatException e) {
                problems.add(path + ": expected a whole number, found '" + t.get() + "'");
                return fallback;
            }
        }

        double ratio(JsonNode parent, String path, double fallback) {
            Optional<String> t = text(parent, path);
            if (t.isEmpty()) {
                return fallback;
            }
            try {
                double v = Double.parseDouble(t.get().trim());
                if (!(v > 0 && v <= 1)) {
                    problems.add(path + ": must be greater than 0 and at most 1, found " + v);
                    return fallback;
                }
                return v;
            } catch (NumberFormatException e) {
                problems.add(path + ": expected a number between 0 and 1, found '" + t.get() + "'");
                return fallback;
            }
        }

        boolean bool(JsonNode parent, String path, boolean fallback) {
            Optional<String> t = text(parent, path);
            if (t.isEmpty()) {
                return fallback;
            }
            return switch (t.get().trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> {
                    problems.add(path + ": expected true or false, found '" + t.get() + "'");
                    yield fallback;
                }
            };
        }

        String leaf(String path) {
            return path.substring(path.lastIndexOf('.') + 1);
        }
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
