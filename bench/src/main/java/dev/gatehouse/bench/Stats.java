package dev.gatehouse.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * min / median / p95 / max of repeated trials.
 *
 * @param n number of trials
 * @param min smallest
 * @param median middle value
 * @param p95 95th percentile (nearest rank)
 * @param max largest
 */
public record Stats(int n, double min, double median, double p95, double max) {

    public static Stats of(Collection<? extends Number> values) {
        if (values.isEmpty()) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        List<Double> v = new ArrayList<>();
        values.forEach(x -> v.add(x.doubleValue()));
        Collections.sort(v);
        return new Stats(v.size(), v.get(0), percentile(v, 50), percentile(v, 95), v.get(v.size() - 1));
    }

    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** "min / median / p95 / max" with a unit. */
    public String format(String unit) {
        if (n == 0) {
            return "-";
        }
        return String.format("%s / %s / %s / %s", num(min), num(median), num(p95), num(max)) + (unit.isEmpty() ? "" : " " + unit);
    }

    private static String num(double d) {
        return d >= 100 || d == Math.rint(d) ? String.format("%.0f", d) : String.format("%.2f", d);
    }
}
