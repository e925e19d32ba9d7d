package dev.gatehouse.slack;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops what Tyrus's shared Grizzly transport ({@link SlackSocket}) leaves running when the plugin
 * stops. The transport idles out by itself a second after its last socket closed, but the scheduler
 * that times this ({@code GrizzlyTransportTimeoutFilter}'s static
 * {@code tyrus-grizzly-container-idle-timeout} thread) is never shut down by Tyrus: left alone it
 * would hold this plugin's class loader for the life of the JVM, and an unloaded plugin version
 * would never be collected. Both are package-private statics of this plugin's own copy of Tyrus,
 * reached by reflection; a failure is logged and leaves the thread (and the loader) behind.
 */
final class TyrusShared {

    private static final Logger log = LoggerFactory.getLogger(TyrusShared.class);
    private static final String PACKAGE = "org.glassfish.tyrus.container.grizzly.client.";

    private TyrusShared() {
    }

    /** Closes the shared transport now and stops its idle-timeout thread. Call once every socket is closed. */
    static void release() {
        try {
            Method close = Class.forName(PACKAGE + "GrizzlyClientSocket").getDeclaredMethod("closeSharedTransport");
            close.setAccessible(true);
            close.invoke(null);
            Field timer = Class.forName(PACKAGE + "GrizzlyTransportTimeoutFilter").getDeclaredField("executorService");
            timer.setAccessible(true);
            ((ExecutorService) timer.get(null)).shutdownNow();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.warn("could not stop Tyrus's shared transport threads ({}); this plugin version's class loader stays in"
                    + " memory until the JVM exits", e.toString());
        }
    }
}
