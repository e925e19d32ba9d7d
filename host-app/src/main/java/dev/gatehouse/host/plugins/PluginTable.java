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
 *
 * <p>Per plugin id there is one primary version (the one that serves), and during a swap a second one
 * beside it ({@link Slot}): the new version while it is staged, then the old one while it drains.
 */
final class PluginTable {

    /** Rejections kept for status; the oldest go first. */
    private static final int MAX_REJECTED = 100;

    /** Which version of a plugin id an entry is: the one that serves, or the one beside it during a swap. */
    enum Slot { PRIMARY, SECOND }

    /**
     * One plugin version the runtime holds.
     *
     * @param gateways what it serves, once STARTED (or STAGED)
     * @param redelivers whether every gateway said its platform redelivers unacknowledged events
     * @param loader its class loader, once STARTED (or STAGED)
     * @param generation which load of the runtime it is (each jar loaded gets its own)
     */
    record Held(PluginJar jar, PluginPhase phase, List<GatewayBinding> gateways, boolean redelivers, ClassLoader loader,
            long generation) {

        Held to(PluginPhase next) {
            return new Held(jar, phase.to(jar.id(), next), gateways, redelivers, loader, generation);
        }
    }

    private record Snapshot(Map<String, Held> held, Map<String, Held> second, List<PluginStatus> rejected,
            Set<String> withheld) {

        Map<String, Held> slot(Slot slot) {
            return slot == Slot.PRIMARY ? held : second;
        }

        Snapshot with(Slot slot, Map<String, Held> m) {
            Map<String, Held> copy = java.util.Collections.unmodifiableMap(m);
            return slot == Slot.PRIMARY ? new Snapshot(copy, second, rejected, withheld)
                    : new Snapshot(held, copy, rejected, withheld);
        }
    }

    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), List.of(), Set.of());

    private synchronized void update(UnaryOperator<Snapshot> change) {
        snapshot = change.apply(snapshot);
    }

    /** A jar starts loading, as the primary version of its id or (a swap) beside it. */
    void begin(PluginJar jar, Slot slot, long generation) {
        update(s -> {
            if (s.slot(slot).containsKey(jar.id())) {
                throw new IllegalStateException("plugin " + jar.id() + " is already held" + (slot == Slot.SECOND ? " twice" : ""));
            }
            Map<String, Held> m = new LinkedHashMap<>(s.slot(slot));
            m.put(jar.id(), new Held(jar, PluginPhase.LOADING, List.of(), false, null, generation));
            return s.with(slot, m);
        });
    }

    /** Moves a held plugin to its next phase; an illegal edge throws naming the plugin and both phases. */
    void advance(String id, Slot slot, PluginPhase next) {
        update(s -> {
            Held h = s.slot(slot).get(id);
            if (h == null) {
                throw new IllegalStateException("plugin " + id + ": not held, cannot go to " + next);
            }
            Map<String, Held> m = new LinkedHashMap<>(s.slot(slot));
            m.put(id, h.to(next));
            return s.with(slot, m);
        });
    }

    /** A plugin started (or was staged, as the second version) and serves these gateways. */
    void started(String id, Slot slot, List<GatewayBinding> gateways, boolean redelivers, ClassLoader loader) {
        update(s -> {
            Held h = s.slot(slot).get(id).to(slot == Slot.PRIMARY ? PluginPhase.STARTED : PluginPhase.STAGED);
            Map<String, Held> m = new LinkedHashMap<>(s.slot(slot));
            m.put(id, new Held(h.jar(), h.phase(), List.copyOf(gateways), redelivers, loader, h.generation()));
            return s.with(slot, m);
        });
    }

    /** The staged version becomes the primary one (STARTED) and the primary one the second (DRAINING). */
    void promote(String id) {
        update(s -> {
            Held old = s.held().get(id);
            Held next = s.second().get(id);
            if (old == null || next == null || next.phase() != PluginPhase.STAGED) {
                throw new IllegalStateException("plugin " + id + ": no staged version to promote");
            }
            Map<String, Held> held = new LinkedHashMap<>(s.held());
            Map<String, Held> second = new LinkedHashMap<>(s.second());
            held.put(id, next.to(PluginPhase.STARTED));
            second.put(id, old.to(PluginPhase.DRAINING));
            return s.with(Slot.PRIMARY, held).with(Slot.SECOND, second);
        });
    }

    /** Drops a plugin that reached a terminal phase. */
    void forget(String id, Slot slot) {
        update(s -> {
            Held h = s.slot(slot).get(id);
            if (h == null) {
                return s;
            }
            if (!h.phase().isTerminal()) {
                throw new IllegalStateException("plugin " + id + " is " + h.phase() + ", not done; cannot forget it");
            }
            Map<String, Held> m = new LinkedHashMap<>(s.slot(slot));
            m.remove(id);
            return s.with(slot, m);
        });
    }

    /** The slot holding the version of {@code id} with this generation, if any. */
    Optional<Slot> slotOf(String id, long generation) {
        Snapshot s = snapshot;
        for (Slot slot : Slot.values()) {
            Held h = s.slot(slot).get(id);
            if (h != null && h.generation() == generation) {
                return Optional.of(slot);
            }
        }
        return Optional.empty();
    }

    /** The second version of a plugin (staged or draining), if any. */
    Optional<Held> second(String id) {
        return Optional.ofNullable(snapshot.second().get(id));
    }

    void reject(PluginStatus status) {
        update(s -> {
            List<PluginStatus> r = new ArrayList<>(s.rejected());
            r.removeIf(x -> x.jar() != null && x.jar().equals(status.jar()));
            r.add(status);
            while (r.size() > MAX_REJECTED) {
                r.remove(0);
            }
            return new Snapshot(s.held(), s.second(), List.copyOf(r), s.withheld());
        });
    }

    void forgetRejection(String jarName) {
        update(s -> new Snapshot(s.held(), s.second(), s.rejected().stream().filter(x -> !jarName.equals(x.jar())).toList(),
                s.withheld()));
    }

    void withhold(String id, boolean on) {
        update(s -> {
            Set<String> w = new HashSet<>(s.withheld());
            if (on) {
                w.add(id);
            } else {
                w.remove(id);
            }
            return new Snapshot(s.held(), s.second(), s.rejected(), Set.copyOf(w));
        });
    }

    Optional<Held> held(String id) {
        return Optional.ofNullable(snapshot.held().get(id));
    }

    Optional<String> heldAt(Path jar) {
        Snapshot s = snapshot;
        return java.util.stream.Stream.concat(s.held().values().stream(), s.second().values().stream())
                .filter(h -> h.jar().path().equals(jar)).map(h -> h.jar().id()).findFirst();
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

    /** The gateway of any held plugin that serves {@code platform}, withheld or not, staged or draining. */
    Optional<GatewayBinding> servingAnyPhase(String platform) {
        Snapshot s = snapshot;
        return java.util.stream.Stream.concat(s.held().values().stream(), s.second().values().stream())
                .flatMap(h -> h.gateways().stream()).filter(g -> g.platform().equals(platform)).findFirst();
    }

    List<String> platforms() {
        return snapshot.held().values().stream().filter(h -> h.phase() == PluginPhase.STARTED)
                .flatMap(h -> h.gateways().stream()).map(GatewayBinding::platform).toList();
    }

    Optional<PluginStatus> status(String id) {
        return held(id).map(PluginTable::status);
    }

    Optional<PluginStatus> secondStatus(String id) {
        return second(id).map(PluginTable::status);
    }

    List<String> platformsOf(Held h) {
        return h.gateways().stream().map(GatewayBinding::platform).toList();
    }

    private static PluginStatus status(Held h) {
        return new PluginStatus(h.jar().id(), h.jar().version(), h.phase().name(),
                h.gateways().stream().map(GatewayBinding::platform).toList(), h.jar().path().getFileName().toString(), null, false);
    }

    List<PluginStatus> statuses() {
        Snapshot s = snapshot;
        List<PluginStatus> out = new ArrayList<>();
        s.held().values().forEach(h -> out.add(status(h)));
        s.second().values().forEach(h -> out.add(status(h)));
        out.addAll(s.rejected());
        return out;
    }
}
