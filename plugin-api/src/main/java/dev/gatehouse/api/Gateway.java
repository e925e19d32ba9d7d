package dev.gatehouse.api;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * Extension point for one chat platform ({@code slack}, {@code discord}, …).
 *
 * <p>The host creates one instance per plugin (through a constructor taking a {@link PluginContext},
 * or a no-argument one) and calls {@link #open(GatewayContext)} once per connection attempt for each
 * workspace that enables this platform. Implementations must be thread-safe: attempts for different
 * workspaces may run concurrently. For one workspace the host has at most two connections open at once,
 * two only during a planned handover (a plugin swap, an operator's reconnect, new settings): the new
 * connection opens, possibly on a newer version of the plugin, while the previous one still serves, and
 * the previous one is closed once the new one reported itself connected. Both deliver events meanwhile;
 * the host handles each event id once.
 */
public interface Gateway extends ExtensionPoint {

    /**
     * The platform this gateway serves: lower case, stable, and equal to the key operators write under
     * {@code workspaces.<id>} in the configuration (for example {@code slack}).
     *
     * @return the platform key
     */
    String platform();

    /**
     * Checks one workspace's settings before anything connects, so that a mistake is reported when the
     * configuration is loaded instead of on the first connection attempt. The default accepts anything.
     *
     * @param settings the settings under {@code workspaces.<id>.<platform>}
     * @throws GatewaySettingsException naming the offending key and how to fix it
     */
    default void validate(GatewaySettings settings) {
    }

    /**
     * Setting keys whose values are secrets. The host redacts their values from every log line, error
     * message, status response and {@code toString}; it also treats any key whose name contains
     * {@code token}, {@code secret} or {@code password} as secret.
     *
     * @return the secret keys, possibly empty
     */
    default Set<String> secretKeys() {
        return Set.of();
    }

    /**
     * Whether the platform itself redelivers events that were not acknowledged while no connection was
     * open (Slack retries unacknowledged Events API envelopes). When it does, a fresh session after a
     * short, deliberate gap — a plugin swap — loses nothing, and the host does not report the gap as
     * an outage; when it does not (Discord after a new IDENTIFY), the host reports such a gap. The
     * default is {@code false}.
     *
     * @return {@code true} if unacknowledged events are redelivered on the next connection
     */
    default boolean redeliversUnacknowledgedEvents() {
        return false;
    }

    /**
     * The platform's minimum interval between two session starts of one workspace's connection (Discord
     * allows one IDENTIFY per 5 s per bot). In a handover the host opens the new connection no sooner
     * than this after the previous one began to open. The default is none.
     *
     * @return the interval, {@link Duration#ZERO} for none
     */
    default Duration minimumOpenInterval() {
        return Duration.ZERO;
    }

    /**
     * The URL the host fetches with an HTTP GET to decide whether this platform is reachable at all.
     * When it is not, a long disconnection is blamed on the network and no reconnect attempt is counted.
     * Any HTTP status counts as reachable; a DNS failure, refused connection or timeout does not.
     *
     * @param settings the workspace's settings (a {@code probeUrl} setting usually overrides the default)
     * @return the probe URL
     */
    URI probeUri(GatewaySettings settings);

    /**
     * Asks the platform whether this workspace's credentials are accepted, without opening a connection:
     * {@code gatehouse doctor} calls it for every configured workspace, possibly while a host with the same
     * configuration runs. Use the platform's cheapest read-only identity call (Slack's {@code auth.test},
     * Discord's {@code GET /users/@me}) against the URLs the settings configure, so that a simulator or
     * proxy is asked instead of the real platform when the settings say so.
     *
     * <p>The host calls this on a thread of its own and stops waiting after {@code timeout}; bound your
     * own network calls by it so that nothing outlives the check. Create no thread of your own: use the
     * executors your extension received through its {@link PluginContext} constructor; a plugin without
     * one may run the check on the calling thread, bounded by {@code timeout}. Release whatever the check
     * created before returning. A
     * refusal is reported as {@link CredentialCheck#failed}, not thrown; an exception means the check itself
     * failed (the host reports its message, with secrets masked). The default answers
     * {@link CredentialCheck#notSupported()}, so plugins written before this method existed keep working.
     *
     * @param settings the settings under {@code workspaces.<id>.<platform>}, already {@link #validate validated}
     * @param timeout how long the check may take in all
     * @return the platform's answer
     * @throws Exception when the check could not be carried out
     */
    default CredentialCheck checkCredentials(GatewaySettings settings, Duration timeout) throws Exception {
        return CredentialCheck.notSupported();
    }

    /**
     * Opens one connection for one workspace.
     *
     * <p>The call may return before the transport is up; it reports the transport's state through
     * {@link GatewayContext#health()} at any time — before, during or after this method returns. The host
     * treats "no {@link GatewayHealth#markConnected(boolean)} within its open timeout" as a failed
     * attempt and closes the returned connection. If this method throws, the attempt failed; if retrying
     * cannot help (for example a revoked token) call {@link GatewayHealth#markFatal(String)} first.
     *
     * @param context everything this connection attempt may use
     * @return the live connection, which the host closes exactly once
     * @throws Exception when the connection could not be opened
     */
    GatewayConnection open(GatewayContext context) throws Exception;
}
