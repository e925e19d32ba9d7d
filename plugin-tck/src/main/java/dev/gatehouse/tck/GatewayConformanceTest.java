package dev.gatehouse.tck;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.Gateway;
import dev.gatehouse.tck.RecordingHealth.Kind;
import dev.gatehouse.tck.RecordingHealth.Signal;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance kit: extend it, name your plugin and your test server, and every rule of the
 * plugin contract becomes a test of your build. Each failure names the rule, what the plugin did, and
 * what to change. Every wait is bounded: a plugin that hangs fails a check, it never hangs the build.
 *
 * <pre>{@code
 * class AcmeConformanceIT extends GatewayConformanceTest {
 *     protected PluginSource plugin() { return PluginSource.jar(Path.of(System.getProperty("pluginJar"))); }
 *     protected TransportControl openTransport() { return new AcmeTestServerControl(server); }
 * }
 * }</pre>
 *
 * <p>The plugin is loaded once per class (and once more, fresh, for each leak check); each test opens
 * its own connection against a fresh {@link TransportControl}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GatewayConformanceTest {

    private LoadedPlugin shared;
    private TransportControl transport;
    private Attempt attempt;
    private long epochs;

    /** For subclasses: one per plugin under test. */
    protected GatewayConformanceTest() {
    }

    /**
     * The plugin under test.
     *
     * @return its jar ({@link PluginSource#jar}) or a factory of its gateway ({@link PluginSource#gateway})
     */
    protected abstract PluginSource plugin();

    /**
     * A handle on the test server for one test, called before each test and closed after it.
     *
     * @return the control
     * @throws Exception if the server cannot be prepared
     */
    protected abstract TransportControl openTransport() throws Exception;

    /**
     * How long the plugin may take from {@code open} to {@code markConnected}, and from a dropped socket
     * to {@code markDisconnected}.
     *
     * @return the bound; 10 s unless overridden
     */
    protected Duration signalBound() {
        return Duration.ofSeconds(10);
    }

    /**
     * The close timeout the kit hands the plugin in its context, and holds it to.
     *
     * @return the bound; 5 s unless overridden
     */
    protected Duration closeTimeout() {
        return Duration.ofSeconds(5);
    }

    /**
     * How long the kit watches for what must not happen (a second disconnect, a signal after close, an
     * early acknowledgement).
     *
     * @return the watch; 1.5 s unless overridden
     */
    protected Duration quietPeriod() {
        return Duration.ofMillis(1500);
    }

    /**
     * How long after unload the plugin's class loader may stay reachable (the kit collects garbage meanwhile).
     *
     * @return the bound; 10 s unless overridden
     */
    protected Duration unloadBound() {
        return Duration.ofSeconds(10);
    }

    /**
     * For platforms with an acknowledgement deadline (Slack: 3 s), how long after receipt the plugin
     * acknowledges an event whose stage is still pending (see {@code InboundSink#deliver}).
     *
     * @return empty if the plugin never acknowledges before the stage completes
     */
    protected Optional<Duration> acknowledgesPendingEventsAfter() {
        return Optional.empty();
    }

    @BeforeAll
    final void loadPlugin() throws Exception {
        shared = LoadedPlugin.load(plugin(), signalBound());
    }

    @AfterAll
    final void unloadPlugin() throws Exception {
        if (shared != null) {
            shared.unload(closeTimeout());
        }
    }

    @BeforeEach
    final void prepareTransport() throws Exception {
        transport = openTransport();
    }

    @AfterEach
    final void cleanUp() {
        if (attempt != null) {
            attempt.close();
            attempt = null;
        }
        try {
            transport.restore();
        } finally {
            transport.close();
        }
    }

    private Attempt connect(LoadedPlugin plugin) throws Exception {
        attempt = new Attempt(plugin, transport.settings(), ++epochs, closeTimeout());
        try {
            attempt.open(signalBound());
        } catch (Bounded.Timeout e) {
            fail(Rule.CONNECTED.broken("open did not return within " + signalBound().toMillis() + " ms",
                    "return from open once the client is started; report the outcome later through the health handle"));
        }
        awaitSignal(attempt, Kind.CONNECTED, 0, Rule.CONNECTED, "no markConnected within " + signalBound().toMillis()
                + " ms of open", "call markConnected(false) when the platform confirms the session (hello, READY), "
                + "from the library's lifecycle callback");
        return attempt;
    }

    private Signal awaitSignal(Attempt a, Kind kind, long since, Rule rule, String what, String fix) {
        try {
            await().atMost(signalBound()).pollInterval(Duration.ofMillis(20)).until(() -> !a.health.since(since, kind).isEmpty());
        } catch (ConditionTimeoutException e) {
            fail(rule.broken(what + "; signals were " + a.health.signals(), fix));
        }
        return a.health.since(since, kind).get(0);
    }

    @Test
    @DisplayName("markConnected after open")
    void marksConnectedAfterOpen() throws Exception {
        Attempt a = connect(shared);
        Signal connected = a.health.since(0, Kind.CONNECTED).get(0);
        List<Signal> before = a.health.signals().stream().filter(s -> s.nanos() < connected.nanos()
                && (s.kind() == Kind.DISCONNECTED || s.kind() == Kind.FATAL)).toList();
        if (!before.isEmpty()) {
            fail(Rule.CONNECTED.broken("reported " + before + " before the first markConnected",
                    "report disconnected only for a socket that was connected; a failed first connect is a thrown open or markFatal"));
        }
    }

    @Test
    @DisplayName("markDisconnected once per socket loss")
    void marksDisconnectedOncePerSocketLoss() throws Exception {
        Attempt a = connect(shared);
        long dropped = System.nanoTime();
        transport.drop();
        Signal first = awaitSignal(a, Kind.DISCONNECTED, dropped, Rule.DISCONNECTED_ONCE, "no markDisconnected within "
                + signalBound().toMillis() + " ms of the server dropping the socket",
                "hook the library's close/failure callback and call markDisconnected(cause) from it");
        try {
            await().during(quietPeriod()).atMost(quietPeriod().plusSeconds(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> lossesReported(a, first) <= 1);
        } catch (ConditionTimeoutException e) {
            fail(Rule.DISCONNECTED_ONCE.broken("one dropped socket was reported " + lossesReported(a, first)
                    + " times: " + a.health.since(dropped, Kind.DISCONNECTED), "report a loss from one callback only "
                    + "(libraries often call both onError and onClose), or remember that this socket was reported"));
        }
    }

    /** Disconnects reported from the first one until the next markConnected (the library may heal the socket). */
    private static long lossesReported(Attempt a, Signal first) {
        long healed = a.health.since(first.nanos(), Kind.CONNECTED).stream().mapToLong(Signal::nanos).min().orElse(Long.MAX_VALUE);
        return a.health.since(first.nanos(), Kind.DISCONNECTED).stream().filter(s -> s.nanos() < healed).count();
    }

    @Test
    @DisplayName("nothing through a revoked handle")
    void sendsNothingThroughARevokedHandleAfterClose() throws Exception {
        Attempt a = connect(shared);
        long dropped = System.nanoTime();
        transport.drop();
        awaitSignal(a, Kind.DISCONNECTED, dropped, Rule.DISCONNECTED_ONCE, "no markDisconnected within "
                + signalBound().toMillis() + " ms of the server dropping the socket",
                "hook the library's close/failure callback and call markDisconnected(cause) from it");
        // Closed while the library may be healing the socket: that client must not come back.
        a.revoke();
        closeWithinBound(a, Rule.REVOKED);
        long closed = System.nanoTime();
        try {
            transport.pushEvent();
        } catch (RuntimeException e) {
            // Nobody connected to push to: the point of the check.
        }
        try {
            await().during(quietPeriod()).atMost(quietPeriod().plusSeconds(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> usedAfter(a, closed).isEmpty());
        } catch (ConditionTimeoutException e) {
            fail(Rule.REVOKED.broken("after close returned the plugin still used its context: " + usedAfter(a, closed),
                    "stop the client in close() so that it can neither reconnect nor deliver; reporting disconnected "
                            + "or zero sockets while tearing down is fine, anything else is a client still alive"));
        }
    }

    private static List<String> usedAfter(Attempt a, long closed) {
        List<String> used = new java.util.ArrayList<>();
        a.health.signals().stream().filter(s -> s.nanos() > closed && s.kind() != Kind.DISCONNECTED && s.kind() != Kind.SOCKETS)
                .forEach(s -> used.add(s.toString()));
        a.sink.deliveries().stream().filter(d -> d.nanos() > closed).forEach(d -> used.add("deliver(" + d.event().eventId() + ")"));
        return used;
    }

    private Duration closeWithinBound(Attempt a, Rule rule) throws Exception {
        try {
            return a.closeOnce(closeTimeout());
        } catch (Bounded.Timeout e) {
            return fail(rule.broken("close did not return within the context's closeTimeout ("
                    + closeTimeout().toMillis() + " ms)", "bound every wait in close (socket close handshakes, executor "
                    + "termination) by GatewayContext.closeTimeout() and abandon what does not finish"));
        } catch (RuntimeException e) {
            return fail(rule.broken("close threw " + e, "catch and log inside close(); it must not throw"));
        }
    }

    @Test
    @DisplayName("close idempotent and bounded")
    void closeIsIdempotentAndBounded() throws Exception {
        Attempt a = connect(shared);
        a.revoke();
        closeWithinBound(a, Rule.CLOSE);
        closeWithinBound(a, Rule.CLOSE);
    }

    @Test
    @DisplayName("close bounded while the transport is stalled")
    void closeIsBoundedWhileTheTransportIsStalled() throws Exception {
        Attempt a = connect(shared);
        transport.stall();
        a.revoke();
        closeWithinBound(a, Rule.CLOSE);
    }

    @Test
    @DisplayName("no thread leak after close")
    void leavesNoThreadAfterCloseAndUnload() throws Exception {
        // Threads of the class's shared instance (an HTTP pool it warmed earlier) are not this instance's leaks.
        ClassLoader sharedLoader = shared.isolated() ? shared.loader() : null;
        ThreadCensus census = new ThreadCensus(t -> transport.isServerThread(t)
                || (sharedLoader != null && t.getContextClassLoader() == sharedLoader));
        LoadedPlugin fresh = LoadedPlugin.load(plugin(), signalBound());
        connect(fresh);
        transport.pushEvent();
        attempt.close();
        attempt = null;
        List<String> stuck = fresh.unload(closeTimeout());
        try {
            await().atMost(closeTimeout()).pollInSameThread().pollInterval(Duration.ofMillis(50))
                    .until(() -> census.newThreads().isEmpty());
        } catch (ConditionTimeoutException e) {
            fail(Rule.THREADS.broken(closeTimeout().toMillis() + " ms after close and plugin stop these threads it started "
                    + "are alive: " + ThreadCensus.describe(census.newThreads())
                    + (stuck.isEmpty() ? "" : "; lent executor threads that ignored shutdownNow: " + stuck),
                    "create threads through GatewayContext.executors() (per connection) or PluginContext.executors() "
                            + "(per plugin), and stop the library's own pools in close() or Plugin.stop()"));
        }
    }

    @Test
    @DisplayName("no class-loader leak after unload")
    void releasesItsClassLoaderAfterUnload() throws Exception {
        PluginSource source = plugin();
        Assumptions.assumeTrue(source instanceof PluginSource.Jar,
                "the class-loader check needs the packaged plugin: return PluginSource.jar(...) from plugin()");
        WeakReference<ClassLoader> loader = openCloseAndUnload(source);
        try {
            await().atMost(unloadBound()).pollInSameThread().pollInterval(Duration.ofMillis(100)).until(() -> {
                System.gc();
                return loader.get() == null;
            });
        } catch (ConditionTimeoutException e) {
            fail(Rule.CLASS_LOADER.broken("the plugin's class loader is still reachable " + unloadBound().toMillis()
                    + " ms after close, stop and unload"
                    + holders(loader), "release in close()/Plugin.stop() what a JDK or host class keeps: threads (also "
                    + "idle pool threads), ThreadLocals set on threads you did not create, shutdown hooks, JUL handlers, "
                    + "timers, registered drivers; a heap dump (jcmd <pid> GC.heap_dump) shows the path to the loader"));
        }
    }

    private WeakReference<ClassLoader> openCloseAndUnload(PluginSource source) throws Exception {
        LoadedPlugin fresh = LoadedPlugin.load(source, signalBound());
        connect(fresh);
        attempt.close();
        attempt = null;
        fresh.unload(closeTimeout());
        return fresh.loaderReference();
    }

    private static String holders(WeakReference<ClassLoader> loader) {
        ClassLoader l = loader.get();
        List<String> names = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> l != null && t.getContextClassLoader() == l).map(Thread::getName).toList();
        return names.isEmpty() ? "" : " (threads with it as context class loader: " + names + ")";
    }

    @Test
    @DisplayName("no event acknowledged before the sink's stage completes")
    void acknowledgesOnlyAfterTheSinksStageCompletes() throws Exception {
        Attempt a = connect(shared);
        new Acknowledgements(transport, a.sink, quietPeriod(), acknowledgesPendingEventsAfter(), signalBound()).check();
    }

    @Test
    @DisplayName("secrets absent from every message")
    void keepsSecretsOutOfEveryMessage() throws Exception {
        Gateway gateway = shared.gateway();
        Secrets secrets = Secrets.of(gateway, transport.settings());
        Attempt a = connect(shared);
        long dropped = System.nanoTime();
        transport.drop();
        awaitSignal(a, Kind.DISCONNECTED, dropped, Rule.DISCONNECTED_ONCE, "no markDisconnected within "
                + signalBound().toMillis() + " ms of the server dropping the socket",
                "hook the library's close/failure callback and call markDisconnected(cause) from it");
        a.revoke();
        closeWithinBound(a, Rule.CLOSE);
        secrets.collectFrom(a, gateway);
        attempt = null;
        a.close();
        // Wrong secrets: what the platform's refusal turns into must not show them either.
        attempt = new Attempt(shared, secrets.withWrongValues(), ++epochs, closeTimeout());
        try {
            attempt.open(signalBound());
        } catch (Exception e) {
            // Recorded by the attempt; a refusal is the expected outcome.
        }
        Attempt refused = attempt;
        try {
            await().atMost(signalBound()).pollInterval(Duration.ofMillis(50)).until(() -> refused.connection() == null
                    || refused.health.signals().stream().anyMatch(s -> s.kind() == Kind.FATAL || s.kind() == Kind.CONNECTED));
        } catch (ConditionTimeoutException e) {
            // Neither accepted nor refused yet: check what it said so far.
        }
        secrets.validateWrongValues(gateway);
        secrets.collectFrom(attempt, gateway);
        List<String> leaks = secrets.leaks();
        if (!leaks.isEmpty()) {
            fail(Rule.SECRETS.broken("secret values appear in: " + leaks, "name the setting (its key path), never its "
                    + "value; strip tokens from library exceptions before putting them in a cause or message"));
        }
    }
}
