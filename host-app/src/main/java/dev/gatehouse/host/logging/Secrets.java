package dev.gatehouse.host.logging;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Masks secrets in text: every value registered from the configuration, plus anything shaped like a
 * Slack or Discord token or an HTTP authorization header, whoever logs it (a library included). The
 * registry is process-wide because the log layout that applies it is created by the logging framework.
 */
public final class Secrets {

    /** What a masked secret becomes. */
    public static final String MASK = "[REDACTED]";

    private static final List<String> VALUES = new CopyOnWriteArrayList<>();
    private static volatile boolean logMasking;
    private static final Pattern SHAPES = Pattern.compile(
            "xox[abposr]-[A-Za-z0-9-]{6,}"
            + "|xapp-[A-Za-z0-9-]{6,}"
            + "|[A-Za-z0-9_-]{23,28}\\.[A-Za-z0-9_-]{6,7}\\.[A-Za-z0-9_-]{27,}"
            + "|(?<=[?&]ticket=)[^&\\s\"']{4,}"
            + "|(?i)(?<=\\b(?:bearer|bot) )[A-Za-z0-9._~+/=-]{8,}");

    private Secrets() {
    }

    /** Adds secret values (values shorter than 4 characters are ignored: masking them would garble text). */
    public static void register(Collection<String> values) {
        for (String v : values) {
            if (v != null && v.length() >= 4 && !VALUES.contains(v)) {
                VALUES.add(v);
            }
        }
        VALUES.sort(Comparator.comparingInt(String::length).reversed());
    }

    /**
     * Declares that the log layout masks lines with {@link #redact} (host-logback's converters call this
     * when they start; an application masking in a layout of its own calls it too). Without it the host
     * warns at start that what plugins and libraries log is not masked.
     */
    public static void declareLogMasking() {
        logMasking = true;
    }

    /** Whether a log layout declared that it masks secrets. */
    public static boolean logMasking() {
        return logMasking;
    }

    /** Masks every known secret and every token-shaped string. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : VALUES) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return SHAPES.matcher(out).replaceAll(MASK);
    }
}
