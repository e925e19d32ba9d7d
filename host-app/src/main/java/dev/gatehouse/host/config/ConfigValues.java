package dev.gatehouse.host.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.api.Durations;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads single values out of the YAML tree for {@link ConfigLoader}: each reader records a problem
 * naming the key path and the fix, and returns the default, so that every problem of a file is found
 * in one pass. Resolves {@code ${ENV}} and collects secret values for redaction.
 */
class ConfigValues {

    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    final List<String> problems = new ArrayList<>();
    final Set<String> secrets = new LinkedHashSet<>();
    private final Function<String, String> env;

    ConfigValues(Function<String, String> env) {
        this.env = env;
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
            if (ConfigLoader.looksSecret(m.group(1)) && !v.isEmpty()) {
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
            problems.add(prefix + name + ": expected a mapping with keys " + String.join(", ", new TreeSet<>(keys)));
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
                        + String.join(", ", new TreeSet<>(keys)));
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

    /** A relative path resolves against the configuration file's folder. */
    Optional<Path> path(JsonNode parent, String path, Path base) {
        Optional<String> t = text(parent, path);
        try {
            return t.map(p -> base.resolve(p).normalize());
        } catch (InvalidPathException e) {
            problems.add(path + ": is not a valid path (" + e.getReason() + "); write a file-system path");
            return Optional.empty();
        }
    }

    /** A duration within its documented range ({@link ConfigLimits#DURATIONS}). */
    Duration duration(JsonNode parent, String path, Duration fallback) {
        ConfigLimits.Span span = Objects.requireNonNull(ConfigLimits.DURATIONS.get(path), path + " has no range");
        Optional<String> t = text(parent, path);
        if (t.isEmpty()) {
            return fallback;
        }
        try {
            Duration d = Durations.parse(t.get());
            if (!span.contains(d)) {
                problems.add(path + ": " + t.get().trim() + " is out of range " + span + "; set a value in that range,"
                        + " or remove the key for the default " + Durations.format(fallback));
                return fallback;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + e.getMessage());
            return fallback;
        }
    }

    /** A whole number within its documented range ({@link ConfigLimits#COUNTS}). */
    int count(JsonNode parent, String path, int fallback) {
        ConfigLimits.Count range = Objects.requireNonNull(ConfigLimits.COUNTS.get(path), path + " has no range");
        Optional<String> t = text(parent, path);
        if (t.isEmpty()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(t.get().trim());
            if (!range.contains(v)) {
                problems.add(path + ": " + v + " is out of range " + range + "; set a value in that range,"
                        + " or remove the key for the default " + fallback);
                return fallback;
            }
            return (int) v;
        } catch (NumberFormatException e) {
            problems.add(path + ": expected a whole number from " + range + ", found '" + t.get() + "'");
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

    /** Edit distance ignoring case, for "did you mean". */
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
