package dev.gatehouse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU time of live threads, grouped by {@link ThreadCensus#pattern name pattern}: which pools burn the idle CPU. */
final class ThreadCpu {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startNanos = new HashMap<>();

    /** Starts a window: notes every live thread's CPU time so far. */
    ThreadCpu() {
        for (long id : threads.getAllThreadIds()) {
            long cpu = threads.getThreadCpuTime(id);
            if (cpu >= 0) {
                startNanos.put(id, cpu);
            }
        }
    }

    /** CPU milliseconds per pattern since the window started (threads born meanwhile count from zero), largest first. */
    Map<String, Double> millisByPattern() {
        Map<String, Double> out = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long cpu = threads.getThreadCpuTime(id);
            ThreadInfo info = threads.getThreadInfo(id);
            if (cpu < 0 || info == null) {
                continue;
            }
            double ms = (cpu - startNanos.getOrDefault(id, 0L)) / 1e6;
            if (ms > 0) {
                out.merge(ThreadCensus.pattern(info.getThreadName()), ms, Double::sum);
            }
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        out.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), Figures.round(e.getValue())));
        return sorted;
    }
}
