package dev.gatehouse.host.config;

import dev.gatehouse.api.GatewaySettings;
import java.util.Map;

/**
 * One workspace's entry for one platform, {@code workspaces.<id>.<platform>}.
 *
 * @param workspace the workspace id
 * @param platform the platform key
 * @param enabled whether the host should connect it
 * @param values the plugin's settings, {@code ${ENV}} resolved, without {@code enabled}
 */
public record PlatformSettings(String workspace, String platform, boolean enabled, Map<String, Object> values) {

    public PlatformSettings {
        values = Map.copyOf(values);
    }

    /** @return the key path, e.g. {@code workspaces.acme.slack} */
    public String path() {
        return "workspaces." + workspace + "." + platform;
    }

    /** @return the plugin's view of these settings */
    public GatewaySettings toGatewaySettings() {
        return new GatewaySettings(path(), values);
    }

    /** Keys only: values may be secrets. */
    @Override
    public String toString() {
        return "PlatformSettings[" + path() + ", enabled=" + enabled + ", keys=" + new java.util.TreeSet<>(values.keySet()) + "]";
    }
}
