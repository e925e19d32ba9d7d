package dev.gatehouse.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the figures were measured on: they are only comparable on the same machine, in the same run. */
final class Machine {

    private Machine() {
    }

    static void describe(ObjectNode n) {
        n.put("cores", Runtime.getRuntime().availableProcessors());
        n.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        n.put("physicalMemoryMiB", physicalMemoryMiB());
        n.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
        n.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        n.put("cpu", cpuModel());
    }

    static String summary() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + (physicalMemoryMiB() >> 10) + " GiB RAM, "
                + cpuModel() + ", JDK " + System.getProperty("java.runtime.version");
    }

    static long physicalMemoryMiB() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize() >> 20;
        }
        return -1;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (Exception e) {
            return "unknown CPU";
        }
    }

    /** Resident set size of this process in MiB (Linux), or -1. */
    static long rssMiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D+", "")) >> 10;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    /** CPU time used by this process so far, in nanoseconds. */
    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** Heap used after a full GC, MiB. */
    static double heapAfterGcMiB() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) / 1048576.0;
    }

    static double metaspaceMiB() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getName().equals("Metaspace"))
                .mapToLong(p -> p.getUsage().getUsed()).sum() / 1048576.0;
    }
}
