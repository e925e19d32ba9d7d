package dev.gatehouse.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

/**
 * What the hot-reload child measured, handed to the parent as JSON.
 *
 * @param platform the plugin's platform, {@code slack} or {@code discord}
 * @param swapMs each swap's time, {@code reloadPlugin} called → completed
 * @param swapToConnectedMs each swap's time until every workspace was CONNECTED again
 * @param swapToTrafficMs each swap's time until every workspace's bot handled an event created after the swap
 * @param outcomes the swaps' outcomes by name
 * @param eventsCreated events created (and, some after waiting for a socket, pushed)
 * @param eventsHandled of those, handled by the bot
 * @param handledTwice handler calls for an event already handled
 * @param heldBack events created while their app had no socket open, pushed once it had one
 * @param redeliveries the simulator's redeliveries of unacknowledged events (Slack), or dispatches replayed on a RESUME (Discord)
 * @param abandoned events the simulator gave up on after Slack's three redeliveries
 * @param maxSockets the most sockets one workspace had open at once during a measured swap
 * @param outages connections that reported an outage
 * @param swapGapMs the least time between the end of one swap and the start of the next
 * @param before the process before the measured swaps
 * @param after the process right after the last swap
 * @param settled the process once the swapped-out plugins' class loaders were collected, or the settle time ran out
 * @param loadersSwappedOut plugin class loaders swapped out
 * @param loadersCollected of those, collected by the time {@code settled} was taken
 * @param settleMs time from the last swap to {@code settled}
 * @param leakSuspected the host's own leak check flagged a plugin
 */
record ReloadFigures(String platform, List<Double> swapMs, List<Double> swapToConnectedMs, List<Double> swapToTrafficMs,
        Map<String, Integer> outcomes, int eventsCreated, long eventsHandled, long handledTwice, long heldBack,
        long redeliveries, long abandoned, int maxSockets, long outages, long swapGapMs, Snapshot before, Snapshot after, Snapshot settled, int loadersSwappedOut,
        int loadersCollected, long settleMs, boolean leakSuspected) {

    /** The process figures compared before and after the swaps. */
    record Snapshot(double metaspaceMiB, double heapMiB, int threads, Map<String, Integer> threadPatterns,
            long loadedClasses, long unloadedClasses) {

        /** After full GCs. */
        static Snapshot take() {
            double heap = Machine.heapAfterGcMiB();
            var classes = ManagementFactory.getClassLoadingMXBean();
            Map<String, Integer> threads = ThreadCensus.take(n -> false);
            return new Snapshot(Machine.metaspaceMiB(), heap, ThreadCensus.total(threads), threads,
                    classes.getLoadedClassCount(), classes.getUnloadedClassCount());
        }
    }
}
