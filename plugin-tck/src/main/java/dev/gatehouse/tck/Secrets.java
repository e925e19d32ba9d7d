package dev.gatehouse.tck;

import dev.gatehouse.api.Gateway;
import dev.gatehouse.api.GatewaySettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The secret values of one test's settings, the wrong values the kit tries next, and every message the
 * plugin produced, so that {@link #leaks()} can say where a secret showed without showing it.
 */
final class Secrets {

    /** Secret key to its value, for the real and the wrong values. */
    private final Map<String, String> values = new LinkedHashMap<>();
    private final GatewaySettings settings;
    private final Map<String, String> wrong = new LinkedHashMap<>();
    /** Where a message came from, and the message. */
    private final List<String[]> messages = new ArrayList<>();

    private Secrets(GatewaySettings settings) {
        this.settings = settings;
    }

    static Secrets of(Gateway gateway, GatewaySettings settings) {
        Secrets s = new Secrets(settings);
        for (String key : settings.keys()) {
            String lower = key.toLowerCase(Locale.ROOT);
            boolean secret = gateway.secretKeys().contains(key) || lower.contains("token") || lower.contains("secret")
                    || lower.contains("password");
            if (secret && settings.optionalString(key).isPresent()) {
                s.values.put(key, settings.string(key));
                s.wrong.put(key, "tck-wrong-" + key + "-7f3a9c");
            }
        }
        return s;
    }

    /** The same settings with every secret replaced by a recognisable wrong value. */
    GatewaySettings withWrongValues() {
        Map<String, Object> v = new LinkedHashMap<>();
        for (String key : settings.keys()) {
            v.put(key, wrong.getOrDefault(key, settings.string(key)));
        }
        return new GatewaySettings(settings.path(), v);
    }

    void validateWrongValues(Gateway gateway) {
        try {
            gateway.validate(withWrongValues());
        } catch (RuntimeException e) {
            messages.add(new String[] {"validate() exception", e.toString()});
        }
    }

    void collectFrom(Attempt a, Gateway gateway) {
        a.health.signals().forEach(s -> messages.add(new String[] {"health signal " + s.kind(), s.detail()}));
        a.messages.forEach(m -> messages.add(new String[] {"exception or toString", m}));
        messages.add(new String[] {"Gateway.toString()", String.valueOf(gateway)});
    }

    /** Each place a secret value appeared, the value masked. */
    List<String> leaks() {
        List<String> found = new ArrayList<>();
        Map<String, String> all = new LinkedHashMap<>();
        values.forEach((k, v) -> all.put(v, k));
        wrong.forEach((k, v) -> all.put(v, k + " (wrong value)"));
        for (String[] m : messages) {
            all.forEach((value, key) -> {
                if (value.length() >= 4 && m[1] != null && m[1].contains(value)) {
                    found.add(m[0] + " shows the value of '" + key + "': " + masked(m[1], all.keySet()));
                }
            });
        }
        return found;
    }

    /** The message with every known value masked, not only the one being reported (it may hold several). */
    private static String masked(String message, java.util.Set<String> values) {
        String out = message;
        for (String v : values) {
            if (v.length() >= 4) {
                out = out.replace(v, "****");
            }
        }
        return out;
    }
}
