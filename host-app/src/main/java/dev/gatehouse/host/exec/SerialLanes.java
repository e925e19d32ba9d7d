package dev.gatehouse.host.exec;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Runs tasks on a shared pool, one at a time and in submission order per key: a slow task holds back
 * only its own key.
 */
public final class SerialLanes {

    private final Executor pool;
    /** Guarded by this. Only keys with queued or running work are present. */
    private final Map<String, ArrayDeque<Runnable>> lanes = new HashMap<>();

    public SerialLanes(Executor pool) {
        this.pool = pool;
    }

    public void submit(String key, Runnable task) {
        synchronized (this) {
            ArrayDeque<Runnable> lane = lanes.get(key);
            if (lane != null) {
                lane.addLast(task);
                return;
            }
            lanes.put(key, new ArrayDeque<>());
        }
        pool.execute(() -> runLane(key, task));
    }

    private void runLane(String key, Runnable first) {
        Runnable next = first;
        while (next != null) {
            try {
                next.run();
            } catch (RuntimeException e) {
                // tasks report their own failures; a lane must keep draining
            }
            synchronized (this) {
                ArrayDeque<Runnable> lane = lanes.get(key);
                next = lane.pollFirst();
                if (next == null) {
                    lanes.remove(key);
                }
            }
        }
    }

    public synchronized int activeLanes() {
        return lanes.size();
    }
}
