package dev.gatehouse.host.plugins;

import dev.gatehouse.host.plugins.PluginRuntime.GatewayBinding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The plugins the runtime holds, each in its {@link PluginPhase}, and the jars it rejected: an immutable
 * snapshot replaced on every change. Readers never lock; writers serialise on a monitor that is held
 * only to swap the snapshot, never around plugin code or I/O.
 */
final class PluginTable {

    /** Rejections kept for status; the oldest go first. */
    private static final int MAX_REJECTED = 100;

    /**
     * One plugin the runtime holds.
     *
     * @param gateways what it serves, once STARTED
     * @param redelivers whether every gateway said its platform redelivers unacknowledged events
     * @param loader its class loader, once STARTED
     */
    record Held(PluginJar jar, PluginPhase phase, List<GatewayBinding> gateways, boolean redelivers, ClassLoader loader) {

        Held to(PluginPhase next) {
            return new Held(jar, phase.to(jar.id(), next), gateways, redelivers, loader);
        }
    }

    private record Snapshot(Map<String, Held> held, List<PluginStatus> rejected, Set<String> withheld) {
    }

    private volatile Snapshot snapshot = new Snapshot(Map.of(), List.of(), Set.of());

    private synchronized void update(UnaryOperator<Snapshot> change) {
        snapshot = change.apply(snapshot);
    }

    private static Snapshot withHeld(Snapshot s, Map<String, Held> held) {
        return new Snapshot(java.util.Collections.unmodifiableMap(held), s.rejected(), s.withheld());
    }

    /** A jar starts loading. */
    void begin(PluginJar jar) {
        update(s -> {
            if (s.held().containsKey(jar.id())) {
                throw new IllegalStateException("plugin " + jar.id() + " is already held");
            }
            Map<String, Held> m = new LinkedHashMap<>(s.held());
            m.put(jar.id(), new Held(jar, PluginPhase.LOADING, List.of(), false, null));
            return withHeld(s, m);
        });
    }

    /** Moves a held plugin to its next phase; an illegal edge throws naming the plugin and both phases. */
    void advance(String id, PluginPhase next) {
        update(s -> {
            Held h = s.held().get(id);
            if (h == null) {
                throw new IllegalStateException("plugin " + id + ": not held, cannot go to " + next);
            }
            Map<String, Held> m = new LinkedHashMap<>(s.held());
            m.put(id, h.to(next));
            return withHeld(s, m);
        });
    }

    /** A plugin started and serves these gateways. */
    void started(String id, List<GatewayBinding> gateways, boolean redelivers, ClassLoader loader) {
        update(s -> {
            Held h = s.held().get(id).to(PluginPhase.STARTED);
            Map<String, Held> m = new LinkedHashMap<>(s.held());
            m.put(id, new Held(h.jar(), h.phase(), List.copyOf(gateways), redelivers, loader));
            return withHeld(s, m);
        });
    }

    /** Drops a plugin that reached a terminal phase. */
    void forget(String id) {
        update(s -> {
            Held h = s.held().get(id);
            if (h == null) {
                return s;
            }
            if (!h.phase().isTerminal()) {
                throw new IllegalStateException("plugin " + id + " is " + h.phase() + ", not done; cannot forget it");
            }
            Map<String, Held> m = new LinkedHashMap<>(s.held());
            m.remove(id);
            return withHeld(s, m);
        });
    }

    void reject(PluginStatus status) {
        update(s -> {
            List<PluginStatus> r = new ArrayList<>(s.rejected());
            r.removeIf(x -> x.jar() != null && x.jar().equals(status.jar()));
            r.add(status);
            while (r.size() > MAX_REJECTED) {
                r.remove(0);
            }
            return new Snapshot(s.held(), List.copyOf(r), s.withheld());
        });
    }

    void forgetRejection(String jarName) {
        update(s -> new Snapshot(s.held(), s.rejected().stream().filter(x -> !jarName.equals(x.jar())).toList(), s.withheld()));
    }

    void withhold(String id, boolean on) {
        update(s -> {
            Set<String> w = new HashSet<>(s.withheld());
            if (on) {
                w.add(id);
            } else {
                w.remove(id);
            }
            return new Snapshot(s.held(), s.rejected(), Set.copyOf(w));
        });
    }

    Optional<Held> held(String id) {
        return Optional.ofNullable(snapshot.held().get(id));
    }

    Optional<String> heldAt(Path jar) {
        return snapshot.held().values().stream().filter(h -> h.jar().path().equals(jar)).map(h -> h.jar().id()).findFirst();
    }

    List<String> startedIds() {
        return snapshot.held().values().stream().filter(h -> h.phase() == PluginPhase.STARTED).map(h -> h.jar().id()).toList();
    }

    /** The gateway of a started plugin that serves {@code platform} and is not withheld. */
    Optional<GatewayBinding> serving(String platform) {
        Snapshot s = snapshot;
        return s.held().values().stream().filter(h -> h.phase() == PluginPhase.STARTED && !s.withheld().contains(h.jar().id()))
                .flatMap(h -> h.gateways().stream()).filter(g -> g.platform().equals(platform)).findFirst();
    }

    /** The gateway of any held plugin that serves {@code platform}, withheld or not. */
    Optional<GatewayBinding> servingAnyPhase(String platform) {
        return snapshot.held().values().stream().flatMap(h -> h.gateways().stream())
                .filter(g -> g.platform().equals(platform)).findFirst();
    }

    List<String> platforms() {
        return snapshot.held().values().stream().filter(h -> h.phase() == PluginPhase.STARTED)
                .flatMap(h -> h.gateways().stream()).map(GatewayBinding::platform).toList();
    }

    Optional<PluginStatus> status(String id) {
        return held(id).map(PluginTable::status);
    }

    private static PluginStatus status(Held h) {
        return new PluginStatus(h.jar().id(), h.jar().version(), h.phase().name(),
                h.gateways().stream().map(GatewayBinding::platform).toList(), h.jar().path().getFileName().toString(), null, false);
    }

    List<PluginStatus> statuses() {
        Snapshot s = snapshot;
        List<PluginStatus> out = new ArrayList<>();
        s.held().values().forEach(h -> out.add(status(h)));
        out.addAll(s.rejected());
        return out;
    }
}
