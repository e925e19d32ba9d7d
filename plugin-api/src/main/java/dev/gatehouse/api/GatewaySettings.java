package dev.gatehouse.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One workspace's settings for one platform: the map under {@code workspaces.<id>.<platform>} in the
 * configuration, with {@code ${ENV}} references already resolved and the host's own keys (such as
 * {@code enabled}) removed.
 *
 * <p>The typed accessors fail with a {@link GatewaySettingsException} that names the full key path
 * (for example {@code workspaces.acme.slack.apiUrl}) and says what is expected. Instances are
 * immutable; {@link #toString()} shows keys only, never values.
 */
public final class GatewaySettings {

    private final String path;
    private final Map<String, Object> values;

    /**
     * Creates settings.
     *
     * @param path the key path of this map, e.g. {@code workspaces.acme.slack}
     * @param values the values: strings, numbers, booleans, lists or maps as read from YAML
     */
    public GatewaySettings(String path, Map<String, ?> values) {
        this.path = path;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * The key path of this settings map.
     *
     * @return e.g. {@code workspaces.acme.slack}
     */
    public String path() {
        return path;
    }

    /**
     * The full path of one key, for error messages.
     *
     * @param key a key of this map
     * @return e.g. {@code workspaces.acme.slack.appToken}
     */
    public String keyPath(String key) {
        return path + "." + key;
    }

    /**
     * The keys present.
     *
     * @return the keys, sorted
     */
    public Set<String> keys() {
        return Collections.unmodifiableSet(new TreeSet<>(values.keySet()));
    }

    /**
     * Whether a key is present with a non-null value.
     *
     * @param key the key
     * @return {@code true} if present
     */
    public boolean has(String key) {
        return values.get(key) != null;
    }

    /**
     * A required text value.
     *
     * @param key the key
     * @return the non-blank value
     * @throws GatewaySettingsException if missing, blank or not a scalar
     */
    public String string(String key) {
        return optionalString(key).orElseThrow(() -> invalid(key, "missing; this setting is required"));
    }

    /**
     * A text value with a default.
     *
     * @param key the key
     * @param fallback returned when the key is absent
     * @return the value or the fallback
     * @throws GatewaySettingsException if present but blank or not a scalar
     */
    public String string(String key, String fallback) {
        return optionalString(key).orElse(fallback);
    }

    /**
     * An optional text value.
     *
     * @param key the key
     * @return the value, or empty when absent
     * @throws GatewaySettingsException if present but blank or not a scalar
     */
    public Optional<String> optionalString(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Map || v instanceof List) {
            throw invalid(key, "expected a single value, found a " + (v instanceof Map ? "map" : "list"));
        }
        String s = v.toString();
        if (s.isBlank()) {
            throw invalid(key, "is empty; give it a value or remove the key");
        }
        return Optional.of(s);
    }

    /**
     * An integer with a default.
     *
     * @param key the key
     * @param fallback returned when the key is absent
     * @return the value
     * @throws GatewaySettingsException if present but not an integer
     */
    public int integer(String key, int fallback) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(s.get().trim());
        } catch (NumberFormatException e) {
            throw invalid(key, "expected a whole number, found " + shown(key, s.get()));
        }
    }

    /**
     * A decimal number with a default.
     *
     * @param key the key
     * @param fallback returned when the key is absent
     * @return the value
     * @throws GatewaySettingsException if present but not a number
     */
    public double number(String key, double fallback) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return fallback;
        }
        try {
            return Double.parseDouble(s.get().trim());
        } catch (NumberFormatException e) {
            throw invalid(key, "expected a number, found " + shown(key, s.get()));
        }
    }

    /**
     * A boolean with a default.
     *
     * @param key the key
     * @param fallback returned when the key is absent
     * @return the value
     * @throws GatewaySettingsException if present but neither {@code true} nor {@code false}
     */
    public boolean bool(String key, boolean fallback) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return fallback;
        }
        return switch (s.get().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, "expected true or false, found " + shown(key, s.get()));
        };
    }

    /**
     * A duration such as {@code 500ms}, {@code 10s} or {@code 5m}, with a default.
     *
     * @param key the key
     * @param fallback returned when the key is absent
     * @return the value
     * @throws GatewaySettingsException if present but malformed
     */
    public Duration duration(String key, Duration fallback) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return fallback;
        }
        try {
            return Durations.parse(s.get());
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    /**
     * An absolute {@code http}, {@code https}, {@code ws} or {@code wss} URL, with a default.
     *
     * @param key the key
     * @param fallback returned when the key is absent
     * @return the value
     * @throws GatewaySettingsException if present but not such a URL
     */
    public URI uri(String key, URI fallback) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return fallback;
        }
        try {
            URI u = new URI(s.get().trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!List.of("http", "https", "ws", "wss").contains(scheme) || u.getHost() == null) {
                throw invalid(key, "expected an absolute http(s) or ws(s) URL with a host, found " + shown(key, s.get()));
            }
            return u;
        } catch (URISyntaxException e) {
            throw invalid(key, "is not a valid URL (" + shown(key, s.get()) + ": " + e.getReason() + ")");
        }
    }

    /**
     * A list of text values, with a default. A single scalar is read as a one-element list; a
     * comma-separated string is split.
     *
     * @param key the key
     * @param fallback returned when the key is absent
     * @return the values
     * @throws GatewaySettingsException if present but a map
     */
    public List<String> stringList(String key, List<String> fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Map) {
            throw invalid(key, "expected a list, found a map");
        }
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (Object o : list) {
                if (o == null || o instanceof Map || o instanceof List) {
                    throw invalid(key, "every list element must be a single value");
                }
                out.add(o.toString().trim());
            }
        } else {
            for (String part : v.toString().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * Quotes a value for an error message, unless the key looks like it holds a secret.
     */
    private static String shown(String key, String value) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        boolean secret = k.contains("token") || k.contains("secret") || k.contains("password") || k.contains("key");
        return secret ? "a value that is not shown because it may be secret" : "'" + value + "'";
    }

    /**
     * Builds the exception for a bad value of one of these settings, for plugins' own validation.
     *
     * @param key the offending key
     * @param problem what is wrong and what to do, without the secret value itself
     * @return the exception to throw
     */
    public GatewaySettingsException invalid(String key, String problem) {
        return new GatewaySettingsException(keyPath(key), problem);
    }

    /**
     * Lists the keys only; values may be secrets and are never shown.
     *
     * @return e.g. {@code GatewaySettings[workspaces.acme.slack: appToken, botToken]}
     */
    @Override
    public String toString() {
        return "GatewaySettings[" + path + ": " + String.join(", ", keys()) + "]";
    }
}
