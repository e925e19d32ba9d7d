package dev.gatehouse.host.plugins;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.pf4j.PluginRuntimeException;

/**
 * Runs one piece of plugin code (a constructor, {@code start()}, {@code stop()}, a {@code Gateway}
 * query) on a thread of its own, with the plugin's class loader as context class loader, and waits at
 * most its bound. A call that overruns is interrupted and abandoned: no host thread waits on it any
 * longer, and no host lock is held while it runs. The thread ends with the call, so nothing the plugin
 * leaves in its thread-locals outlives it.
 */
final class PluginCall {

    private static final AtomicLong SEQ = new AtomicLong();

    private PluginCall() {
    }

    /**
     * @param what what is called, as the message names it: {@code start()}, {@code new LoopbackGateway}
     * @throws PluginRuntimeException if the call threw (the cause is kept) or did not return within the bound
     */
    static <T> T run(String pluginId, String what, ClassLoader loader, Duration bound, Callable<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "gh-" + pluginId + "-" + label(what) + "-" + SEQ.incrementAndGet());
        t.setDaemon(true);
        t.setContextClassLoader(loader);
        t.start();
        try {
            return result.get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new PluginRuntimeException("{} did not return within {} ms; the host stopped waiting (thread {} left"
                    + " running){}", what, bound.toMillis(), t.getName(), where(t));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PluginRuntimeException pre) {
                throw pre;
            }
            throw new PluginRuntimeException(cause, "{} threw {}", what, PluginRuntime.rootMessage(cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
            throw new PluginRuntimeException("interrupted while waiting for {}", what);
        }
    }

    private static String label(String what) {
        return what.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    /** Where the abandoned call is stuck: its top plugin frame, for the operator. */
    private static String where(Thread t) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (!f.getClassName().startsWith("java.") && !f.getClassName().startsWith("jdk.")
                    && !f.getClassName().startsWith("sun.")) {
                return ", at " + f;
            }
        }
        return "";
    }
}
