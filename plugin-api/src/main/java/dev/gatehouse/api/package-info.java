/**
 * The contract between the Gatehouse host and gateway plugins.
 *
 * <p>A gateway plugin <em>observes</em> its platform's transport and reports what it sees; the host
 * <em>decides</em> what to do about it. A plugin contributes one {@link dev.gatehouse.api.Gateway}
 * extension per platform. For each enabled workspace the host calls
 * {@link dev.gatehouse.api.Gateway#open(GatewayContext)} with a {@link dev.gatehouse.api.GatewayContext}
 * holding that workspace's settings, a {@link dev.gatehouse.api.GatewayHealth} handle for this one
 * connection attempt, an {@link dev.gatehouse.api.InboundSink} for the events it receives and
 * host-owned {@link dev.gatehouse.api.GatewayExecutors}. Every decision — waiting, reconnecting,
 * backing off, writing the watchdog heartbeat, giving up — is the host's.
 *
 * <h2>Rules for plugin authors</h2>
 * <ul>
 *   <li>Declare {@code org.pf4j:pf4j} and {@code dev.gatehouse:plugin-api} with {@code provided} scope:
 *       the host always supplies this package, even if a jar bundles it by mistake.</li>
 *   <li>Keep no static state that refers to host objects; everything a plugin needs arrives through
 *       constructors ({@link dev.gatehouse.api.PluginContext}) or the per-connection context.</li>
 *   <li>Never block or do I/O on a library's network thread; hand events to the sink at once.</li>
 *   <li>Create threads only through {@link dev.gatehouse.api.GatewayExecutors}; the host shuts them
 *       down when the connection closes or the plugin unloads.</li>
 *   <li>Never log a token or put one in an exception message.</li>
 * </ul>
 *
 * <p>This package depends on PF4J and SLF4J only and changes compatibly within a major version
 * (PF4J checks a plugin's {@code Plugin-Requires} against the host's API version).
 */
package dev.gatehouse.api;
