package dev.gatehouse.tck;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs plugin code on a fresh daemon thread and waits a bounded time, so that a plugin that hangs fails
 * its check instead of hanging the build. A fresh thread per call: nothing the plugin leaves in a
 * thread-local outlives the call.
 */
final class Bounded {

    /** What a bounded call ended with. */
    static final class Timeout extends Exception {
        private static final long serialVersionUID = 1L;

        Timeout(String what, Duration bound) {
            super(what + " did not return within " + bound.toMillis() + " ms");
        }
    }

    private Bounded() {
    }

    static <T> T call(String what, Duration bound, ClassLoader contextLoader, Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "tck-call-" + what.replace(' ', '-'));
        t.setDaemon(true);
        t.setContextClassLoader(contextLoader);
        t.start();
        try {
            return result.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Timeout(what, bound);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
        }
    }
}
