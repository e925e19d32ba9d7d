package dev.gatehouse.host.admin;

import dev.gatehouse.host.reload.ReloadResult;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.status.HostStatus;
import dev.gatehouse.host.supervisor.ReconnectResult;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** What the admin API reads and asks of the host; the host implements it (so admin never depends on it). */
public interface HostControl {

    HostStatus status();

    /** Why the process is not live; empty when it is ({@code /livez}). */
    List<String> livenessProblems();

    /** The enabled connections that are not connected ({@code /readyz}). */
    List<ConnectionStatus> notReady();

    boolean isReady();

    String scrapeMetrics();

    CompletionStage<ReconnectResult> reconnect(String workspace, String platform);

    boolean enable(String workspace, String platform);

    CompletionStage<Boolean> disable(String workspace, String platform);

    CompletionStage<ReloadResult> reloadPlugin(String pluginId, boolean force);

    /**
     * Cluster mode: pins the connection to {@code toHost} (moving it there), or with {@code null} lets the
     * cluster place it again. Fails with {@link IllegalArgumentException} (no such member) or
     * {@link IllegalStateException} (running alone, or cut off from ZooKeeper).
     */
    CompletionStage<Void> move(String workspace, String platform, String toHost);
}
