package dev.gatehouse.bench;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Live threads grouped by name pattern (numbers, hashes and workspace ids replaced by {@code #}), so
 * "where do the threads go" can be answered per library pool rather than per thread.
 */
final class ThreadCensus {

    private ThreadCensus() {
    }

    /** The pattern of a thread name: {@code gh-slack-s017-1-acks-3} becomes {@code gh-slack-s#-#-acks-#}. */
    static String pattern(String name) {
        return name.replaceAll("[0-9a-f]{6,}", "#").replaceAll("\\d+", "#");
    }

    /** Live threads per pattern, those matching {@code exclude} left out. */
    static Map<String, Integer> take(Predicate<String> exclude) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !exclude.test(t.getName())) {
                counts.merge(pattern(t.getName()), 1, Integer::sum);
            }
        }
        return counts;
    }

    static int total(Map<String, Integer> census) {
        return census.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Patterns whose count grew from {@code before} to {@code after}, largest growth first. */
    static Map<String, Integer> growth(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> grown = new TreeMap<>();
        after.forEach((p, n) -> {
            int d = n - before.getOrDefault(p, 0);
            if (d != 0) {
                grown.put(p, d);
            }
        });
        before.forEach((p, n) -> grown.putIfAbsent(p, after.containsKey(p) ? 0 : -n));
        grown.values().removeIf(d -> d == 0);
        List<Map.Entry<String, Integer>> sorted = grown.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .toList();
        Map<String, Integer> ordered = new LinkedHashMap<>();
        sorted.forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
    }
}
