package dev.gatehouse.host.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes {@code java.util.logging} into SLF4J, so that what libraries log through it (Tyrus and
 * Grizzly inside the Slack plugin do) gets the host's format, levels and secret masking instead of
 * going to stderr raw. The {@code gatehouse} command installs it at start; an application embedding the
 * host owns its JVM's logging and decides for itself (it may call {@link #install()}).
 */
public final class JulBridge {

    private JulBridge() {
    }

    /** Replaces the JUL root logger's handlers with the SLF4J bridge. Idempotent. */
    public static synchronized void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
