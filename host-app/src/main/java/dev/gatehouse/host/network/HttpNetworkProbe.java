package dev.gatehouse.host.network;

import dev.gatehouse.host.time.Ticker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * An HTTP GET with a timeout; any HTTP status means "up". Results are shared for a short time so that
 * many workspaces of one platform probe once.
 */
public final class HttpNetworkProbe implements NetworkProbe {

    private final HttpClient client;
    private final Duration timeout;
    private final Ticker ticker;
    private final long reuseNanos;
    private final Map<URI, Entry> recent = new ConcurrentHashMap<>();

    private record Entry(long atNanos, CompletableFuture<Boolean> result) {
    }

    public HttpNetworkProbe(Executor executor, Duration timeout, Ticker ticker, Duration reuse) {
        this.client = HttpClient.newBuilder().executor(executor).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
        this.ticker = ticker;
        this.reuseNanos = reuse.toNanos();
    }

    @Override
    public CompletionStage<Boolean> isUp(URI uri) {
        long now = ticker.nanos();
        return recent.compute(uri, (u, e) -> e != null && now - e.atNanos <= reuseNanos ? e : new Entry(now, probe(u))).result;
    }

    private CompletableFuture<Boolean> probe(URI uri) {
        try {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
            return client.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                    .handle((r, err) -> err == null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(false);
        }
    }
}
