package dev.gatehouse.discord;

import okhttp3.internal.concurrent.TaskRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the threads of the OkHttp copy bundled in this plugin. OkHttp runs connection-pool cleanup on
 * one static {@code TaskRunner} per class loader, whose idle "OkHttp TaskRunner" threads linger 60 s
 * and keep that class loader reachable. No public API stops it; its backend's executor is public, so
 * when the plugin stops (every connection already closed, nothing of this OkHttp copy used again: a
 * reloaded plugin gets a new class loader and a new copy) the executor is shut down and its idle
 * threads end at once. Okio's watchdog thread is avoided altogether, see {@link RestHttpClient}.
 */
final class OkHttpThreads {

    private static final Logger log = LoggerFactory.getLogger(OkHttpThreads.class);

    private OkHttpThreads() {
    }

    static void stop() {
        try {
            if (TaskRunner.INSTANCE.getBackend() instanceof TaskRunner.RealBackend backend) {
                backend.getExecutor().shutdownNow();
            }
        } catch (RuntimeException | LinkageError e) {
            log.warn("cannot stop OkHttp's task runner ({}); its idle threads end within 60 s", e.toString());
        }
    }
}
