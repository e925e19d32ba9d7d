package dev.gatehouse.host.cluster.zookeeper;

import dev.gatehouse.api.Durations;
import dev.gatehouse.host.backfill.LedgerStore;
import dev.gatehouse.host.cluster.Ownership;
import dev.gatehouse.host.cluster.Ownership.Change;
import dev.gatehouse.host.config.ClusterSettings;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.status.ClusterStatus;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.time.Ticker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster ownership on ZooKeeper, through Apache Curator.
 *
 * <p>Layout under the namespace: {@code /members/<hostId>} (ephemeral, one per live host, holding the
 * state of each connection it runs, rewritten with every probe) and
 * {@code /owners/<platform>:<workspace>} (ephemeral, created by the connection's owner, holding its
 * host id), and {@code /pins/<platform>:<workspace>} (persistent, an operator's move: the host it goes
 * to), and {@code /ledgers/<platform>:<workspace>} (persistent: the connection's backfill ledger,
 * written only by its owner). The owner node's creation zxid is the lease's fence: it grows with every new owner.
 *
 * <p>Each host computes the same target owner for every connection ({@link Assignment}) from what it
 * sees, takes free connections targeted at it (creating the owner node, then opening the connection)
 * and gives up those targeted elsewhere (closing the connection, then deleting the node); a connection
 * whose owner's session ends is free again. So a connection has at most one owner node, and a host
 * runs a connection only while it holds that node.
 *
 * <p>Fencing: a host that stops hearing from ZooKeeper closes everything it owns before its session
 * could expire on the server ({@link LeaseClock}), whatever Curator reports, and takes nothing while
 * it cannot confirm its session. Another host can own a connection only after that session expired.
 */
public final class ZooKeeperOwnership implements Ownership {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperOwnership.class);
    static final String MEMBERS = "/members";
    static final String OWNERS = "/owners";
    static final String PINS = "/pins";
    static final String LEDGERS = "/ledgers";

    private final ClusterSettings settings;
    /** The host's close bound now: the fence starts that much (plus a margin) before the lease could end. */
    private final Supplier<Duration> closeTimeout;
    private final Ticker ticker;
    private final CuratorFramework client;
    /** Members, owners and pins, each cached (not the ledgers: each is read only by the host that takes its connection). */
    private final List<CuratorCache> caches;
    private final LeaseClock lease;
    /** Talks to ZooKeeper and decides; may block on it (bounded by Curator's retries). */
    private final ScheduledExecutorService loop;
    /** Probes the session and fences on time; never blocks, so it fences even while the loop waits. */
    private final ScheduledExecutorService watch;
    private final Duration probeEvery;
    private final AtomicBoolean reconcilePending = new AtomicBoolean();

    private volatile Owner owner;
    private volatile Set<ConnectionKey> wanted = Set.of();
    /** What this host holds, by connection: the fence it was granted under. */
    private final Map<ConnectionKey, Long> mine = new ConcurrentHashMap<>();
    /** Connections being given up: closing here, their owner node deleted after. Written by the loop thread only. */
    private final Set<ConnectionKey> releasing = ConcurrentHashMap.newKeySet();
    /** What this host's member node holds: the states of the connections it runs (JSON), refreshed by the loop. */
    private volatile byte[] memberData;
    private volatile String zookeeperState = "CONNECTING";
    private volatile String fenced = "not connected to ZooKeeper yet";
    private volatile long sessionId;
    private volatile boolean closed;

    public ZooKeeperOwnership(ClusterSettings settings, Supplier<Duration> closeTimeout, Ticker ticker) {
        this.settings = settings;
        this.closeTimeout = closeTimeout;
        this.ticker = ticker;
        this.lease = new LeaseClock(settings.sessionTimeout(), closeTimeout.get().plus(ClusterSettings.SAFETY_MARGIN));
        this.probeEvery = settings.sessionTimeout().dividedBy(6);
        int session = (int) settings.sessionTimeout().toMillis();
        this.client = CuratorFrameworkFactory.builder()
                .connectString(settings.zookeeper())
                .namespace(settings.namespace())
                .sessionTimeoutMs(session)
                .connectionTimeoutMs(Math.max(1000, session / 3))
                // Each call retries briefly; the loop tries again on the next change or probe anyway.
                .retryPolicy(new ExponentialBackoffRetry(100, 3, 1000))
                // The connect string is the operator's; do not let the ensemble rewrite it.
                .ensembleTracker(false)
                .threadFactory(DaemonThreads.factory("gatehouse-zookeeper"))
                .build();
        this.caches = List.of(CuratorCache.build(client, MEMBERS), CuratorCache.build(client, OWNERS), CuratorCache.build(client, PINS));
        this.loop = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("gatehouse-cluster"));
        this.watch = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("gatehouse-cluster-lease"));
        this.memberData = MemberData.encode(Map.of());
    }

    @Override
    public void start(Owner o, Set<ConnectionKey> keys) {
        this.owner = o;
        this.wanted = Set.copyOf(keys);
        client.getConnectionStateListenable().addListener((c, state) -> stateChanged(state));
        // Nodes come and go: decide again. A member node's data changes with every probe; that decides nothing.
        CuratorCacheListener decide = CuratorCacheListener.builder()
                .forCreates(d -> reconcileSoon())
                .forDeletes(d -> reconcileSoon())
                .forChanges((before, after) -> {
                    if (after.getPath().startsWith(OWNERS + "/") || after.getPath().startsWith(PINS + "/")) {
                        reconcileSoon();
                    }
                }).build();
        caches.forEach(c -> c.listenable().addListener(decide));
        client.start();
        caches.forEach(CuratorCache::start);
        long every = probeEvery.toNanos();
        watch.scheduleWithFixedDelay(this::probe, 0, every, TimeUnit.NANOSECONDS);
        loop.scheduleWithFixedDelay(this::publishStates, 0, every, TimeUnit.NANOSECONDS);
        watch.scheduleWithFixedDelay(this::checkLease, 100, 100, TimeUnit.MILLISECONDS);
        log.info("cluster: host '{}' joining {} (namespace '{}', session timeout {})", settings.hostId(),
                settings.zookeeper(), settings.namespace(), Durations.format(settings.sessionTimeout()));
    }

    @Override
    public void wanted(Set<ConnectionKey> keys) {
        this.wanted = Set.copyOf(keys);
        reconcileSoon();
    }

    @Override
    public boolean holds(ConnectionKey key, long fence) {
        Long f = mine.get(key);
        return f != null && f == fence && lease.held(ticker.nanos());
    }

    @Override
    public ClusterStatus status() {
        View v = view();
        List<ClusterStatus.Owner> owners = new ArrayList<>();
        v.owners().forEach((node, o) -> {
            ConnectionKey k = keyOf(node);
            if (k != null) {
                owners.add(new ClusterStatus.Owner(k.workspace(), k.platform(), o.hostId(),
                        v.states().getOrDefault(o.hostId(), Map.of()).get(node)));
            }
        });
        List<ClusterStatus.Owner> pins = new ArrayList<>();
        v.pins().forEach((node, host) -> {
            ConnectionKey k = keyOf(node);
            if (k != null) {
                pins.add(new ClusterStatus.Owner(k.workspace(), k.platform(), host));
            }
        });
        return new ClusterStatus(settings.hostId(), v.members(), zookeeperState, owners, fenced, pins);
    }

    /**
     * The backfill ledgers, in ZooKeeper. A write goes through only while this host holds the connection's
     * owner node (owned, or closing on its way to another host) and its lease is valid: ZooKeeper applies a
     * session's requests only while the session lives, so the next owner, which can create the node only
     * after this session ended or gave it back, reads the last ledger written here.
     */
    @Override
    public Optional<LedgerStore> ledgerStore() {
        return Optional.of(new LedgerStore() {
            @Override
            public byte[] read(ConnectionKey key) throws IOException {
                try {
                    return client.getData().forPath(LEDGERS + "/" + nodeOf(key));
                } catch (KeeperException.NoNodeException e) {
                    return null;
                } catch (Exception e) {
                    throw new IOException("ZooKeeper: " + e, e);
                }
            }

            @Override
            public boolean write(ConnectionKey key, byte[] ledger) throws IOException {
                if (!(mine.containsKey(key) || releasing.contains(key)) || !lease.held(ticker.nanos())) {
                    return false;
                }
                String path = LEDGERS + "/" + nodeOf(key);
                try {
                    try {
                        client.setData().forPath(path, ledger);
                    } catch (KeeperException.NoNodeException e) {
                        client.create().creatingParentsIfNeeded().forPath(path, ledger);
                    }
                    return true;
                } catch (Exception e) {
                    throw new IOException("ZooKeeper: " + e, e);
                }
            }

            @Override
            public String where(ConnectionKey key) {
                return "ZooKeeper " + settings.namespace() + LEDGERS + "/" + nodeOf(key);
            }
        });
    }

    @Override
    public CompletionStage<Void> pin(ConnectionKey key, String hostId) {
        List<String> members = view().members();
        if (hostId != null && !members.contains(hostId)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no host '" + hostId + "' in the cluster now;"
                    + " its members: " + String.join(", ", members)));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                if (closed || !client.getZookeeperClient().isConnected()) {
                    throw new IllegalStateException("this host is not connected to ZooKeeper (" + zookeeperState
                            + "); try again on another host, or once it is");
                }
                String path = PINS + "/" + nodeOf(key);
                if (hostId == null) {
                    try {
                        client.delete().forPath(path);
                    } catch (KeeperException.NoNodeException e) {
                        // not pinned: nothing to undo
                    }
                } else {
                    byte[] data = hostId.getBytes(StandardCharsets.UTF_8);
                    try {
                        client.create().creatingParentsIfNeeded().forPath(path, data);
                    } catch (KeeperException.NodeExistsException e) {
                        client.setData().forPath(path, data);
                    }
                }
                log.info("cluster: {} {}", key, hostId == null ? "unpinned: the cluster places it" : "pinned to host '" + hostId + "'");
                done.complete(null);
                reconcileSoon();
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** One owner node as the cache holds it: its host, its lease (creation zxid) and the session that holds it. */
    private record OwnerNode(String hostId, long fence, long session) {
    }

    /** The members (sorted) with the states they published, owner nodes and pins (by node name) the cache holds now. */
    private record View(List<String> members, Map<String, OwnerNode> owners, Map<String, String> pins,
            Map<String, Map<String, String>> states) {
    }

    private View view() {
        List<String> members = new ArrayList<>();
        Map<String, OwnerNode> owners = new TreeMap<>();
        Map<String, String> pins = new TreeMap<>();
        Map<String, Map<String, String>> states = new HashMap<>();
        for (ChildData d : caches.stream().flatMap(CuratorCache::stream).toList()) {
            String path = d.getPath();
            if (path.startsWith(MEMBERS + "/")) {
                String member = path.substring(MEMBERS.length() + 1);
                members.add(member);
                states.put(member, MemberData.decode(d.getData()));
            } else if (path.startsWith(OWNERS + "/") && d.getData() != null && d.getStat() != null) {
                owners.put(path.substring(OWNERS.length() + 1), new OwnerNode(new String(d.getData(), StandardCharsets.UTF_8),
                        d.getStat().getCzxid(), d.getStat().getEphemeralOwner()));
            } else if (path.startsWith(PINS + "/") && d.getData() != null) {
                pins.put(path.substring(PINS.length() + 1), new String(d.getData(), StandardCharsets.UTF_8));
            }
        }
        members.sort(null);
        return new View(members, owners, pins, states);
    }

    /** The owner node's name of a connection. Platform ids hold no ':'. */
    static String nodeOf(ConnectionKey k) {
        return k.platform() + ":" + k.workspace();
    }

    static ConnectionKey keyOf(String node) {
        int colon = node.indexOf(':');
        return colon <= 0 ? null : new ConnectionKey(node.substring(colon + 1), node.substring(0, colon));
    }

    private void stateChanged(ConnectionState state) {
        zookeeperState = switch (state) {
            case CONNECTED, RECONNECTED -> "CONNECTED";
            case SUSPENDED, READ_ONLY -> "SUSPENDED";
            case LOST -> "LOST";
        };
        log.info("cluster: ZooKeeper link {}", state);
        if (state == ConnectionState.LOST) {
            // The session is gone with every node this host held: nothing is held any more.
            lease.sessionEnded();
            fence("the ZooKeeper session was lost");
        }
        if (state.isConnected()) {
            probe();
            reconcileSoon();
        }
    }

    /** Loop thread: what the next probe writes, the states of the connections this host holds. */
    private void publishStates() {
        try {
            Map<String, String> states = new TreeMap<>();
            owner.states().forEach((k, state) -> {
                if (mine.containsKey(k)) {
                    states.put(nodeOf(k), state);
                }
            });
            memberData = MemberData.encode(states);
        } catch (RuntimeException e) {
            log.debug("cluster: states not published: {}", e.toString());
        }
    }

    /** Confirms the session by a write the ensemble's leader commits (a read could be answered by a cut-off follower). */
    private void probe() {
        if (closed || !client.getZookeeperClient().isConnected()) {
            return;
        }
        long sent = ticker.nanos();
        try {
            long sid = client.getZookeeperClient().getZooKeeper().getSessionId();
            client.setData().inBackground((c, event) -> {
                int rc = event.getResultCode();
                if (rc == KeeperException.Code.OK.intValue() || rc == KeeperException.Code.NONODE.intValue()) {
                    boolean was = lease.held(ticker.nanos());
                    lease.answered(sent);
                    if (!was && sessionId == sid) {
                        reconcileSoon();
                    }
                } else if (rc == KeeperException.Code.SESSIONEXPIRED.intValue()) {
                    lease.sessionEnded();
                }
            }).forPath(MEMBERS + "/" + settings.hostId(), memberData);
        } catch (Exception e) {
            log.debug("cluster: probe not sent: {}", e.toString());
        }
    }

    /** Fences on time: the lease clock ran out, so nothing may stay open. */
    private void checkLease() {
        Duration lead = closeTimeout.get().plus(ClusterSettings.SAFETY_MARGIN);
        lease.lead(lead);
        if (!closed && !mine.isEmpty() && !lease.held(ticker.nanos())) {
            fence("no answer from ZooKeeper for too long: closing what this host owns while its session is surely"
                    + " still valid (it could expire " + Durations.format(lead) + " from now at the earliest)");
        }
    }

    /** Gives up every connection at once, without touching ZooKeeper (it may be unreachable). */
    private void fence(String reason) {
        fenced = reason;
        List<ConnectionKey> held = new ArrayList<>(mine.keySet());
        mine.clear();
        if (!held.isEmpty()) {
            log.warn("cluster: host '{}' fenced: {}; closing the {} connection(s) it owns", settings.hostId(), reason, held.size());
        }
        Owner o = owner;
        for (ConnectionKey k : held) {
            o.revoke(k, Change.FENCED, "cluster: " + reason);
        }
    }

    private void reconcileSoon() {
        if (!closed && reconcilePending.compareAndSet(false, true)) {
            loop.execute(() -> {
                reconcilePending.set(false);
                try {
                    reconcile();
                } catch (Exception e) {
                    log.warn("cluster: could not act on the cluster's state ({}); trying again", e.toString());
                    loop.schedule(this::reconcileSoon, 500, TimeUnit.MILLISECONDS);
                }
            });
        }
    }

    /** Loop thread: brings what this host owns in line with the assignment. */
    private void reconcile() throws Exception {
        if (closed || !client.getZookeeperClient().isConnected()) {
            return;
        }
        long sid = client.getZookeeperClient().getZooKeeper().getSessionId();
        lease.negotiated(Duration.ofMillis(client.getZookeeperClient().getZooKeeper().getSessionTimeout()));
        if (sid != sessionId) {
            sessionId = sid;
            lease.sessionEnded();
            probe();
        }
        if (!registered(sid) || !lease.held(ticker.nanos())) {
            return;
        }
        fenced = null;
        View v = view();
        Map<String, OwnerNode> owners = v.owners();
        List<String> members = new ArrayList<>(v.members());
        if (!members.contains(settings.hostId())) {
            members.add(settings.hostId());
        }
        Map<String, ConnectionKey> keys = new LinkedHashMap<>();
        wanted.forEach(k -> keys.put(nodeOf(k), k));
        Map<String, String> current = new HashMap<>();
        owners.forEach((n, o) -> current.put(n, o.hostId()));
        Map<String, String> target = Assignment.assign(members, keys.keySet(), current, v.pins());
        String me = settings.hostId();
        for (Map.Entry<String, ConnectionKey> e : keys.entrySet()) {
            ConnectionKey k = e.getValue();
            if (releasing.contains(k)) {
                continue;
            }
            OwnerNode o = owners.get(e.getKey());
            boolean ours = o != null && o.session() == sid;
            if (me.equals(target.get(e.getKey()))) {
                if (o == null) {
                    claim(k, sid);
                } else if (ours && !mine.containsKey(k)) {
                    take(k, o.fence());
                }
            } else if (ours) {
                String to = target.get(e.getKey());
                release(k, Change.MOVED, "moved to host '" + to + "' ("
                        + (to != null && to.equals(v.pins().get(e.getKey())) ? "an operator's move" : "balancing") + ")");
            }
        }
        for (Map.Entry<String, OwnerNode> e : owners.entrySet()) {
            ConnectionKey k = keyOf(e.getKey());
            if (k != null && e.getValue().session() == sid && !keys.containsKey(e.getKey()) && !releasing.contains(k)) {
                release(k, Change.UNCONFIGURED, "no longer configured on this host");
            }
        }
    }

    /** Registers this host as a member (once per session); false while another session holds its id. */
    private boolean registered(long sid) throws Exception {
        String path = MEMBERS + "/" + settings.hostId();
        Stat stat = client.checkExists().forPath(path);
        if (stat != null && stat.getEphemeralOwner() == sid) {
            return true;
        }
        if (stat != null) {
            String why = "another ZooKeeper session holds host id '" + settings.hostId() + "' (a previous session of this host,"
                    + " until it expires within " + Durations.format(lease.sessionTimeout()) + ", or another host with"
                    + " the same cluster.hostId: give each host its own)";
            if (!why.equals(fenced)) {
                log.warn("cluster: {}; waiting", why);
            }
            fenced = why;
            loop.schedule(this::reconcileSoon, 1, TimeUnit.SECONDS);
            return false;
        }
        try {
            client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, memberData);
            client.create().creatingParentsIfNeeded().forPath(OWNERS);
        } catch (KeeperException.NodeExistsException e) {
            // Raced with another session for the member node (then the next round says so), or the owners folder exists.
        }
        Stat now = client.checkExists().forPath(path);
        return now != null && now.getEphemeralOwner() == sid;
    }

    /** Creates the owner node; on success this host owns the connection under the node's creation zxid. */
    private void claim(ConnectionKey k, long sid) throws Exception {
        Stat stat = new Stat();
        try {
            client.create().storingStatIn(stat).withMode(CreateMode.EPHEMERAL)
                    .forPath(OWNERS + "/" + nodeOf(k), settings.hostId().getBytes(StandardCharsets.UTF_8));
        } catch (KeeperException.NodeExistsException e) {
            return;
        }
        if (stat.getEphemeralOwner() == sid) {
            take(k, stat.getCzxid());
        }
    }

    private void take(ConnectionKey k, long fence) {
        if (closed || !lease.held(ticker.nanos())) {
            return;
        }
        mine.put(k, fence);
        log.info("cluster: host '{}' owns {} (lease {})", settings.hostId(), k, fence);
        owner.grant(k, fence);
    }

    /** Closes the connection here, then deletes its owner node (if still this session's) for the target to take. */
    private void release(ConnectionKey k, Change why, String reason) {
        releasing.add(k);
        mine.remove(k);
        log.info("cluster: host '{}' gives up {}: {}", settings.hostId(), k, reason);
        // No bound here: the node is given back only once the connection is really closed (a hung close keeps
        // it, and the host's /livez reports the hung call).
        owner.revoke(k, why, "cluster: " + reason).toCompletableFuture()
                .whenComplete((v, err) -> loop.execute(() -> {
                    try {
                        deleteIfOurs(k);
                    } catch (Exception e) {
                        log.warn("cluster: could not give {} back ({}); its node goes with this host's session", k, e.toString());
                    } finally {
                        releasing.remove(k);
                        reconcileSoon();
                    }
                }));
    }

    private void deleteIfOurs(ConnectionKey k) throws Exception {
        String path = OWNERS + "/" + nodeOf(k);
        Stat stat = client.checkExists().forPath(path);
        if (stat != null && stat.getEphemeralOwner() == sessionId && !mine.containsKey(k)) {
            client.delete().withVersion(stat.getVersion()).forPath(path);
        }
    }

    /** Closes every owned connection (bounded), then ends the session, which frees every node at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // Whatever the loop is deciding finishes first; after this it takes nothing (closed).
            loop.submit(() -> null).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("cluster: the cluster thread is still busy ({}); leaving anyway", e.toString());
        }
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        Owner o = owner;
        for (ConnectionKey k : new ArrayList<>(mine.keySet())) {
            releasing.add(k); // its ledger may still be written while it closes: the session ends after
            mine.remove(k);
            if (o != null) {
                closes.add(o.revoke(k, Change.LEAVING, "host leaving the cluster").toCompletableFuture());
            }
        }
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
                    .get(closeTimeout.get().toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("cluster: not every connection closed within {}; leaving anyway", Durations.format(closeTimeout.get()));
        }
        watch.shutdownNow();
        loop.shutdownNow();
        try {
            loop.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        caches.forEach(CuratorCache::close);
        client.close();
        log.info("cluster: host '{}' left", settings.hostId());
    }
}
