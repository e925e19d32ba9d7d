package dev.gatehouse.bench;

import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The live heap by class, from the JVM's own {@code GC.class_histogram} (what {@code jcmd} prints), read
 * in-process through the diagnostic command MBean. It runs a full GC first.
 */
final class ClassHistogram {

    /** Instances and bytes of one class. */
    record Entry(String className, long instances, long bytes) {
    }

    private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");

    private ClassHistogram() {
    }

    static Map<String, Entry> take() {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Map<String, Entry> out = new HashMap<>();
            for (String line : String.valueOf(text).split("\n")) {
                Matcher m = LINE.matcher(line);
                if (m.matches()) {
                    out.merge(m.group(3), new Entry(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
                            (a, b) -> new Entry(a.className(), a.instances() + b.instances(), a.bytes() + b.bytes()));
                }
            }
            return out;
        } catch (Exception e) {
            return Map.of();
        }
    }

    /** The classes whose live bytes grew most from {@code before} to {@code after}. */
    static List<Entry> growth(Map<String, Entry> before, Map<String, Entry> after, int top) {
        return after.values().stream().map(a -> {
            Entry b = before.get(a.className());
            return b == null ? a : new Entry(a.className(), a.instances() - b.instances(), a.bytes() - b.bytes());
        }).sorted(Comparator.comparingLong(Entry::bytes).reversed()).limit(top).toList();
    }
}
