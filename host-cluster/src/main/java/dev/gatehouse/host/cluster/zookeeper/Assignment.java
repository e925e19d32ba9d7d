package dev.gatehouse.host.cluster.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which host should own each connection: every host computes the same answer from the same view
 * (members, connections, current owners), so no host has to tell another what to take.
 *
 * <ul>
 *   <li>Balanced: each host gets {@code n / m} connections, some one more (max - min ≤ 1).</li>
 *   <li>Sticky: a host keeps what it owns up to its share; the hosts that own more now get the
 *       larger shares. A joining host takes about {@code n / (m + 1)}, each from a host over its new
 *       share; a leaving host's connections spread over the others; nothing else moves.</li>
 *   <li>Spread: free connections go, by rendezvous hashing, to the host that ranks them highest among
 *       those with room, so they do not all land on one host.</li>
 *   <li>Pinned: a connection an operator moved to a member goes there whatever the balance; it counts
 *       in that host's share, and the others are balanced around it.</li>
 * </ul>
 */
final class Assignment {

    private Assignment() {
    }

    /**
     * @param members the live hosts
     * @param keys the connections to place
     * @param current each connection's current owner, if any (owners that are not members are ignored)
     * @return each connection's target host; empty when there are no members
     */
    static Map<String, String> assign(Collection<String> members, Collection<String> keys, Map<String, String> current) {
        return assign(members, keys, current, Map.of());
    }

    /**
     * As {@link #assign(Collection, Collection, Map)}, with {@code pins}: connection → the host an operator
     * moved it to (ignored while that host is not a member).
     */
    static Map<String, String> assign(Collection<String> members, Collection<String> keys, Map<String, String> current,
            Map<String, String> pins) {
        List<String> hosts = new ArrayList<>(new TreeSet<>(members));
        Map<String, String> target = new TreeMap<>();
        if (hosts.isEmpty()) {
            return target;
        }
        TreeSet<String> all = new TreeSet<>(keys);
        Map<String, Integer> pinned = new HashMap<>();
        for (String k : all) {
            String p = pins.get(k);
            if (p != null && hosts.contains(p)) {
                target.put(k, p);
                pinned.merge(p, 1, Integer::sum);
            }
        }
        Map<String, List<String>> owned = new HashMap<>();
        hosts.forEach(h -> owned.put(h, new ArrayList<>()));
        for (String k : all) {
            String o = current.get(k);
            if (o != null && owned.containsKey(o) && !target.containsKey(k)) {
                owned.get(o).add(k);
            }
        }
        int base = all.size() / hosts.size();
        int extra = all.size() % hosts.size();
        List<String> bySize = new ArrayList<>(hosts);
        bySize.sort(Comparator.comparingInt((String h) -> owned.get(h).size()).reversed().thenComparing(h -> h));
        Map<String, Integer> room = new HashMap<>();
        for (int i = 0; i < bySize.size(); i++) {
            // a host's pinned connections fill its share first (more pins than its share: no room left)
            room.put(bySize.get(i), Math.max(0, base + (i < extra ? 1 : 0) - pinned.getOrDefault(bySize.get(i), 0)));
        }
        for (String h : hosts) {
            List<String> mine = owned.get(h);
            mine.sort(Comparator.comparing((String k) -> score(k, h), Long::compareUnsigned).reversed().thenComparing(k -> k));
            for (String k : mine) {
                if (room.get(h) > 0) {
                    target.put(k, h);
                    room.merge(h, -1, Integer::sum);
                }
            }
        }
        for (String k : all) {
            if (target.containsKey(k)) {
                continue;
            }
            String best = null;
            long bestScore = 0;
            for (String h : hosts) {
                long s = score(k, h);
                if (room.get(h) > 0 && (best == null || Long.compareUnsigned(s, bestScore) > 0)) {
                    best = h;
                    bestScore = s;
                }
            }
            target.put(k, best);
            room.merge(best, -1, Integer::sum);
        }
        return target;
    }

    /** A rendezvous score, the same on every JVM: FNV-1a over the UTF-8 bytes, then a 64-bit finaliser. */
    static long score(String key, String host) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (key + '\u0000' + host).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
