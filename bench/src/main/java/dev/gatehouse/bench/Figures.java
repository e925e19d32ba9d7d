package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** Formatting shared by the sections: stats as JSON objects, ratios of medians, plain numbers. */
final class Figures {

    private Figures() {
    }

    static ObjectNode json(Stats s) {
        ObjectNode n = Report.MAPPER.createObjectNode();
        n.put("n", s.n());
        putNumber(n, "min", s.min());
        putNumber(n, "median", s.median());
        putNumber(n, "p95", s.p95());
        putNumber(n, "max", s.max());
        return n;
    }

    /** The ratio of medians, {@code subject / baseline}; NaN when it is undefined. */
    static double ratio(Stats subject, Stats baseline) {
        if (subject.n() == 0 || baseline.n() == 0 || baseline.median() == 0) {
            return Double.NaN;
        }
        return subject.median() / baseline.median();
    }

    /** {@code 0.42×}, or {@code n/a} for an undefined ratio. */
    static String times(double ratio) {
        return Double.isNaN(ratio) || Double.isInfinite(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f×", ratio);
    }

    static String num(double d) {
        if (Double.isNaN(d)) {
            return "-";
        }
        return Math.abs(d) >= 100 || d == Math.rint(d) ? String.format(Locale.ROOT, "%.0f", d)
                : String.format(Locale.ROOT, "%.2f", d);
    }

    static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    /** Puts a finite number rounded to three decimals, anything else as {@code null} (JSON has no NaN). */
    static void putNumber(ObjectNode n, String key, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            n.putNull(key);
        } else {
            n.put(key, round(d));
        }
    }
}
