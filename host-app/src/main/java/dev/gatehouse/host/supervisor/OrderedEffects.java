package dev.gatehouse.host.supervisor;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Side effects recorded under the supervisor's lock and run after it is released, in the order they
 * were recorded, by one thread at a time (Guava's listener-queue idea). A thread that finds another
 * one draining leaves its effects to it, so a callback that re-enters the supervisor cannot deadlock
 * or reorder anything.
 */
final class OrderedEffects {

    private static final Logger log = LoggerFactory.getLogger(OrderedEffects.class);

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    void add(Runnable effect) {
        queue.add(effect);
    }

    void drain() {
        while (!queue.isEmpty()) {
            if (!draining.compareAndSet(false, true)) {
                return;
            }
            try {
                Runnable r;
                while ((r = queue.poll()) != null) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        log.error("supervisor side effect failed: {}", e.toString(), e);
                    }
                }
            } finally {
                draining.set(false);
            }
        }
    }
}
