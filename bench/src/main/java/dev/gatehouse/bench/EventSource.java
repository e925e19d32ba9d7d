package dev.gatehouse.bench;

import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Slack's side of a hot-reload run: every tick each app gets one new message. An event created while the
 * app has no socket open (mid-swap) is held back and pushed on a later tick, as Slack holds events for a
 * disconnected app; the simulator itself refuses pushes without a socket. Ticks run on one thread.
 */
final class EventSource {

    private final SlackSimulator sim;
    private final List<SimSlackApp> apps;
    /** Created, not yet pushed; touched by the ticking thread only. */
    private final Deque<SimSlackApp> heldBack = new ArrayDeque<>();
    private final Set<String> pushed = ConcurrentHashMap.newKeySet();
    /** Each app's pushed events in push order, to tell when traffic flows again after a swap. */
    private final Map<SimSlackApp, List<String>> pushedByApp = new ConcurrentHashMap<>();
    private volatile boolean creating = true;
    private volatile int backlog;
    private volatile long everHeldBack;

    EventSource(SlackSimulator sim, List<SimSlackApp> apps) {
        this.sim = sim;
        this.apps = apps;
    }

    void tick() {
        for (int i = heldBack.size(); i > 0; i--) {
            SimSlackApp app = heldBack.poll();
            if (!tryPush(app)) {
                heldBack.add(app);
            }
        }
        if (creating) {
            for (SimSlackApp app : apps) {
                if (!tryPush(app)) {
                    heldBack.add(app);
                    everHeldBack++;
                }
            }
        }
        backlog = heldBack.size();
    }

    private boolean tryPush(SimSlackApp app) {
        try {
            String ts = SlackMessages.push(sim, app, "C0RELOAD", "during a swap").ts();
            pushed.add(ts);
            pushedByApp.computeIfAbsent(app, a -> new CopyOnWriteArrayList<>()).add(ts);
            return true;
        } catch (IllegalStateException noSocket) {
            return false;
        }
    }

    /** No new events from now on; those held back still go out on the next ticks. */
    void stopCreating() {
        creating = false;
    }

    int backlog() {
        return backlog;
    }

    long heldBack() {
        return everHeldBack;
    }

    /** The {@code ts} of every event pushed so far. */
    Set<String> pushed() {
        return pushed;
    }

    /** How many events were pushed to {@code app} so far: a mark for {@link #pushedSince}. */
    int mark(SimSlackApp app) {
        return pushedByApp.getOrDefault(app, List.of()).size();
    }

    /** The {@code ts} of the events pushed to {@code app} after {@code mark}. */
    List<String> pushedSince(SimSlackApp app, int mark) {
        List<String> all = pushedByApp.getOrDefault(app, List.of());
        return all.subList(Math.min(mark, all.size()), all.size());
    }
}
