package dev.gatehouse.host.status;

import java.util.Locale;

/** Why a connection was re-established; the {@code kind} label of {@code gatehouse_reconnects_total}. */
public enum ReconnectKind {
    /** The library healed the transport by itself. */
    LIBRARY,
    /** The host replaced a connection that stayed down past the stale threshold, or retried after backoff. */
    FORCED,
    /** The host replaced a connection that was down most of the flap window. */
    FLAP,
    /** The host stopped a library reconnect storm and reopened under its own backoff. */
    STORM,
    /** An operator or the embedding application asked for it. */
    MANUAL;

    /** @return the metrics label, e.g. {@code forced} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
