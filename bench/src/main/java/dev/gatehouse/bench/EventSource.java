package dev.gatehouse.bench;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The platform's side of a hot-reload run: every tick each app (Slack app, Discord bot) gets one new
 * message. An event created while a Slack app has no socket open is held back and pushed on a later
 * tick, as Slack holds events for a disconnected app (the Slack simulator refuses pushes without a
 * socket); the Discord simulator takes every push (it buffers for a RESUME, or drops it without a
 * session, which then counts as lost). Ticks run on one thread.
 *
 * @param <A> the platform's app (bot) type
 */
final class EventSource<A> {

    /** Pushes one message to an app and returns the id its handler will see. */
    interface Push<A> {
        /** @throws IllegalStateException if the platform holds it back for now (no socket open) */
        String push(A app);
    }

    private final List<A> apps;
    private final Push<A> push;
    /** Created, not yet pushed; touched by the ticking thread only. */
    private final Deque<A> heldBack = new ArrayDeque<>();
    private final Set<String> pushed = ConcurrentHashMap.newKeySet();
    /** Each app's pushed events in push order, to tell when traffic flows again after a swap. */
    private final Map<A, List<String>> pushedByApp = new ConcurrentHashMap<>();
    private volatile boolean creating = true;
    private volatile int backlog;
    private volatile long everHeldBack;

    EventSource(List<A> apps, Push<A> push) {
        this.apps = apps;
        this.push = push;
    }

    void tick() {
        for (int i = heldBack.size(); i > 0; i--) {
            A app = heldBack.poll();
            if (!tryPush(app)) {
                heldBack.add(app);
            }
        }
        if (creating) {
            for (A app : apps) {
                if (!tryPush(app)) {
                    heldBack.add(app);
                    everHeldBack++;
                }
            }
        }
        backlog = heldBack.size();
    }

    private boolean tryPush(A app) {
        try {
            String id = push.push(app);
            pushed.add(id);
            pushedByApp.computeIfAbsent(app, a -> new CopyOnWriteArrayList<>()).add(id);
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

    /** The id of every event pushed so far. */
    Set<String> pushed() {
        return pushed;
    }

    /** How many events were pushed to {@code app} so far: a mark for {@link #pushedSince}. */
    int mark(A app) {
        return pushedByApp.getOrDefault(app, List.of()).size();
    }

    /**
     * The ids of the events pushed to {@code app} after {@code mark}, as they stand now. A copy: a view of the
     * list the pushing thread appends to threw {@code ConcurrentModificationException} when read meanwhile (it
     * ended a 100-swap run at swap 37).
     */
    List<String> pushedSince(A app, int mark) {
        List<String> all = List.copyOf(pushedByApp.getOrDefault(app, List.of()));
        return all.subList(Math.min(mark, all.size()), all.size());
    }
}
