package dev.gatehouse.host.plugins;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where one plugin jar is in the host's hands. Its name is the {@code state} of {@link PluginStatus}.
 * Legal edges are data, checked on every change: a plugin is loaded, then started (its constructor and
 * {@code start()} run, bounded), then serves until it is stopped and unloaded; a jar that cannot run
 * ends {@code REJECTED} with the reason, after everything PF4J registered for it was removed. A new
 * version of a running plugin is started beside it ({@code STAGED}) and, once its connections took over,
 * serves while the old one drains ({@code DRAINING}) and unloads.
 */
public enum PluginPhase {
    /** PF4J reads the jar and builds its class loader; no plugin code has run. */
    LOADING,
    /** The plugin's constructor, {@code start()} and extension constructors run, each within its bound. */
    STARTING,
    /** Started beside the running version of the same plugin, serving only the connections handed over to it. */
    STAGED,
    /** Serving its platforms. */
    STARTED,
    /** Replaced by a newer version: its last connections close, then it stops. */
    DRAINING,
    /** Its connections are closed; {@code stop()} runs within its bound, then the class loader closes. */
    STOPPING,
    /** Gone: nothing of the host refers to it any more. Terminal. */
    UNLOADED,
    /** Not running, for the reason given; nothing of it is registered. Terminal. */
    REJECTED;

    private static final Map<PluginPhase, Set<PluginPhase>> LEGAL = new EnumMap<>(PluginPhase.class);

    static {
        LEGAL.put(LOADING, EnumSet.of(STARTING, REJECTED));
        LEGAL.put(STARTING, EnumSet.of(STARTED, STAGED, REJECTED));
        LEGAL.put(STAGED, EnumSet.of(STARTED, STOPPING));
        LEGAL.put(STARTED, EnumSet.of(DRAINING, STOPPING));
        LEGAL.put(DRAINING, EnumSet.of(STOPPING));
        LEGAL.put(STOPPING, EnumSet.of(UNLOADED));
        LEGAL.put(UNLOADED, EnumSet.noneOf(PluginPhase.class));
        LEGAL.put(REJECTED, EnumSet.noneOf(PluginPhase.class));
        for (PluginPhase p : values()) {
            if (!LEGAL.containsKey(p)) {
                throw new ExceptionInInitializerError("no transitions declared from " + p);
            }
        }
    }

    /** Whether a plugin may go from this phase to {@code to}. */
    public boolean canGo(PluginPhase to) {
        return LEGAL.get(this).contains(to);
    }

    /** Returns {@code to}, or throws naming the plugin and both phases if the edge is not legal. */
    PluginPhase to(String pluginId, PluginPhase to) {
        if (!canGo(to)) {
            throw new IllegalStateException("plugin " + pluginId + ": illegal transition " + this + " -> " + to);
        }
        return to;
    }

    /** Whether nothing follows this phase. */
    public boolean isTerminal() {
        return LEGAL.get(this).isEmpty();
    }
}
