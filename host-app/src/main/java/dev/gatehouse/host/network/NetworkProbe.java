package dev.gatehouse.host.network;

import java.net.URI;
import java.util.concurrent.CompletionStage;

/** Decides whether a platform's network is reachable at all. */
@FunctionalInterface
public interface NetworkProbe {

    /**
     * @param uri the platform's probe URL
     * @return completes with {@code true} if anything answered, {@code false} on a DNS failure, refused
     *     connection or timeout; never completes exceptionally
     */
    CompletionStage<Boolean> isUp(URI uri);
}
