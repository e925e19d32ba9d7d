package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a process costs at rest: heap after full GCs, resident memory, metaspace, live threads (by name
 * pattern) and CPU over an idle window, split into one-second samples.
 *
 * @param heapMiB heap used after full GCs
 * @param rssMiB resident set size
 * @param metaspaceMiB metaspace used
 * @param threads live threads by name pattern
 * @param cpuPercent CPU of one core used per one-second sample of the idle window, in percent
 * @param cpuMillisByThread CPU milliseconds spent in the idle window per thread name pattern
 */
record Footprint(double heapMiB, long rssMiB, double metaspaceMiB, Map<String, Integer> threads, List<Double> cpuPercent,
        Map<String, Double> cpuMillisByThread) {

    private static final Duration SAMPLE = Duration.ofSeconds(1);

    /** Measures this process; the CPU window comes first, so the GCs do not count as idle CPU. */
    static Footprint measure(Duration idleWindow) {
        List<Double> cpu = new ArrayList<>();
        ThreadCpu byThread = new ThreadCpu();
        long samples = Math.max(1, idleWindow.toMillis() / SAMPLE.toMillis());
        for (int i = 0; i < samples; i++) {
            long cpuBefore = Machine.processCpuNanos();
            long wallBefore = System.nanoTime();
            Poll.pause(SAMPLE);
            cpu.add(100.0 * (Machine.processCpuNanos() - cpuBefore) / (System.nanoTime() - wallBefore));
        }
        Map<String, Double> cpuByThread = byThread.millisByPattern();
        double heap = Machine.heapAfterGcMiB();
        return new Footprint(heap, Machine.rssMiB(), Machine.metaspaceMiB(), ThreadCensus.take(name -> false), cpu,
                cpuByThread);
    }

    int threadCount() {
        return ThreadCensus.total(threads);
    }

    Stats cpu() {
        return Stats.of(cpuPercent);
    }

    ObjectNode toJson() {
        ObjectNode n = Report.MAPPER.createObjectNode();
        n.put("heapAfterGcMiB", Figures.round(heapMiB));
        n.put("rssMiB", rssMiB);
        n.put("metaspaceMiB", Figures.round(metaspaceMiB));
        n.put("threads", threadCount());
        n.set("idleCpuPercentOfOneCore", Figures.json(cpu()));
        n.set("threadsByPattern", Report.MAPPER.valueToTree(threads));
        n.set("idleCpuMillisByThreadPattern", Report.MAPPER.valueToTree(cpuMillisByThread));
        return n;
    }
}
