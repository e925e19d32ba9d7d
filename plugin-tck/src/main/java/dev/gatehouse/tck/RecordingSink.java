package dev.gatehouse.tck;

import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.api.InboundSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link InboundSink} whose stages the test completes: by default each event is taken at once; with
 * {@link #hold(boolean)} every stage stays pending until the test completes it.
 */
final class RecordingSink implements InboundSink {

    /**
     * One delivered event.
     *
     * @param nanos when it was delivered
     * @param event the event
     * @param stage the stage handed back to the plugin
     * @param afterRevoke whether the attempt was revoked already
     */
    record Delivery(long nanos, InboundEvent event, CompletableFuture<Void> stage, boolean afterRevoke) {
    }

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private volatile boolean hold;
    private volatile boolean revoked;

    void hold(boolean on) {
        hold = on;
    }

    void revoke() {
        revoked = true;
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    @Override
    public CompletionStage<Void> deliver(InboundEvent event) {
        // As the host does: a closed attempt's events are refused, so the plugin must not acknowledge them.
        CompletableFuture<Void> stage = revoked
                ? CompletableFuture.failedFuture(new IllegalStateException("the conformance kit closed this attempt"))
                : hold ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
        deliveries.add(new Delivery(System.nanoTime(), event, stage, revoked));
        return stage;
    }
}
