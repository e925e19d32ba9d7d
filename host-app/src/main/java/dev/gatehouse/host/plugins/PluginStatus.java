package dev.gatehouse.host.plugins;

import java.util.List;

/**
 * One plugin as the host sees it.
 *
 * @param id the plugin id, or the jar's file name if its manifest could not be read
 * @param version the plugin version, or {@code null}
 * @param state a {@link PluginPhase} name: {@code STARTED}; {@code LOADING}, {@code STARTING} or {@code STOPPING}
 *     while a lifecycle call runs; {@code REJECTED} (not running, see {@code problem})
 * @param platforms the platforms its gateways serve
 * @param jar the jar's file name
 * @param problem why it failed or was rejected, or {@code null}
 * @param leakSuspected whether an earlier unload of this plugin left its class loader reachable
 */
public record PluginStatus(String id, String version, String state, List<String> platforms, String jar, String problem,
        boolean leakSuspected) {
}
