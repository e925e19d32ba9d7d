package dev.gatehouse.host.backfill;

import dev.gatehouse.host.supervisor.ConnectionKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per connection, the latest message handled in each channel it saw messages in: where a backfill
 * starts. Bounded (least recently active channels forgotten first) and, with a state folder, durable:
 * {@code <stateDir>/backfill/<platform>/<workspace>.json}, loaded on first use, written by
 * {@link #flush()} only when it changed ({@link Backfill} calls it about once a second).
 *
 * <p>A file that is missing or cannot be read means the channels of the previous run are unknown:
 * that connection's first session is reported, not backfilled, and the log says why. A corrupt file
 * is moved aside; nothing here throws on bad input.
 *
 * <p>Thread-safe: every method takes this object's lock; file I/O happens only in {@link #flush()}
 * and on first use of a key.
 */
final class Ledger {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);

    /** What the ledger knows of a connection: its channels (most recently active first) or why nothing. */
    record Snapshot(Map<String, ChannelMark> channels, Instant savedAt, String unknownBecause) {
        boolean known() {
            return unknownBecause == null;
        }
    }

    private final Optional<Path> dir;
    /** In cluster mode, the store every host shares (used instead of the folder); set before the first use. */
    private volatile LedgerStore shared;
    private final int maxChannels;
    private final Clock clock;
    /** Guarded by this. */
    private final Map<ConnectionKey, Entry> entries = new HashMap<>();

    private final class Entry {
        /** Access order: the eldest is the least recently active channel. */
        final LinkedHashMap<String, ChannelMark> channels = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ChannelMark> eldest) {
                return size() > maxChannels;
            }
        };
        /**
         * The marks as they stood when the connection went down (or as the previous run left them), for
         * the next backfill: live messages of the new session may move the marks before that backfill
         * starts, past messages of the gap. Null while connected.
         */
        Map<String, ChannelMark> frozen;
        /**
         * Where a backfill began in channels it has not finished (stopped by an error, a bound, a newer gap):
         * the next backfill starts there, not past the hole. In memory only.
         */
        final Map<String, ChannelMark> owed = new HashMap<>();
        /** Why the previous run's channels are unknown, or null. */
        String unknownBecause;
        Instant savedAt;
        boolean dirty;
    }

    Ledger(Optional<Path> stateDir, int maxChannels, Clock clock) {
        this.dir = stateDir.map(d -> d.resolve("backfill"));
        this.maxChannels = maxChannels;
        this.clock = clock;
    }

    /** Cluster mode: ledgers live in {@code store}, shared by the hosts, instead of the state folder. */
    void share(LedgerStore store) {
        this.shared = store;
    }

    private boolean durable() {
        return shared != null || dir.isPresent();
    }

    /**
     * This host just took the connection over (cluster mode): what it knew of it is stale, so it reads the
     * shared ledger its previous owner wrote. Blocks on the store.
     */
    void reload(ConnectionKey key) {
        Entry fresh = load(key); // may read the store: outside the lock
        synchronized (this) {
            entries.put(key, fresh);
        }
    }

    /** A message was handled: moves the channel's mark forward (never back) and makes it the most recent. */
    synchronized void handled(ConnectionKey key, String channelId, String messageId, Instant at) {
        Entry e = entry(key);
        ChannelMark old = e.channels.get(channelId);
        String last = old == null || MessageIds.after(messageId, old.lastMessageId()) ? messageId : old.lastMessageId();
        e.channels.put(channelId, new ChannelMark(last, at));
        e.dirty = true;
    }

    /** The connection went down: the next backfill starts from the marks as they are now (the first down counts). */
    synchronized void freeze(ConnectionKey key) {
        Entry e = entry(key);
        if (e.frozen == null) {
            e.frozen = new LinkedHashMap<>(e.channels);
        }
    }

    /** What a backfill of this connection may start from: the marks frozen at the gap's start, else the current ones. */
    synchronized Snapshot snapshot(ConnectionKey key) {
        Entry e = entry(key);
        List<Map.Entry<String, ChannelMark>> recentFirst = new ArrayList<>((e.frozen != null ? e.frozen : e.channels).entrySet());
        java.util.Collections.reverse(recentFirst);
        Map<String, ChannelMark> out = new LinkedHashMap<>();
        recentFirst.forEach(m -> {
            ChannelMark owed = e.owed.get(m.getKey());
            boolean earlier = owed != null && MessageIds.ORDER.compare(owed.lastMessageId(), m.getValue().lastMessageId()) < 0;
            out.put(m.getKey(), earlier ? owed : m.getValue());
        });
        e.owed.keySet().retainAll(e.channels.keySet());
        return new Snapshot(out, e.savedAt, e.unknownBecause);
    }

    /**
     * A message of this channel was refused by the host (its platform will not send it again): a backfill
     * owes the channel from {@code beforeId} (just before that message), or from the channel's mark if it
     * is earlier. A channel with no mark yet gets this one, so that a restart's backfill covers it too.
     */
    synchronized void hole(ConnectionKey key, String channelId, String beforeId, Instant at) {
        Entry e = entry(key);
        ChannelMark current = e.channels.get(channelId);
        ChannelMark from = new ChannelMark(beforeId, at);
        if (current == null) {
            e.channels.put(channelId, from);
            e.dirty = true;
        } else if (!MessageIds.after(current.lastMessageId(), beforeId)) {
            from = current;
        }
        e.owed.merge(channelId, from,
                (old, now) -> MessageIds.ORDER.compare(old.lastMessageId(), now.lastMessageId()) <= 0 ? old : now);
    }

    /** What is still owed in these channels (from where), most recently active first. */
    synchronized Map<String, ChannelMark> owedIn(ConnectionKey key, java.util.Collection<String> channelIds) {
        Entry e = entry(key);
        Map<String, ChannelMark> out = new LinkedHashMap<>();
        List<String> recentFirst = new ArrayList<>(e.channels.keySet());
        java.util.Collections.reverse(recentFirst);
        for (String ch : recentFirst) {
            ChannelMark owed = e.owed.get(ch);
            if (owed != null && channelIds.contains(ch)) {
                out.put(ch, owed);
            }
        }
        return out;
    }

    /** A backfill starts in these channels from these marks: owed until {@link #paid}. */
    synchronized void owe(ConnectionKey key, Map<String, ChannelMark> from) {
        Entry e = entry(key);
        from.forEach((ch, m) -> e.owed.merge(ch, m,
                (old, now) -> MessageIds.ORDER.compare(old.lastMessageId(), now.lastMessageId()) <= 0 ? old : now));
    }

    /** A backfill read this channel to its end and handed every message over. */
    synchronized void paid(ConnectionKey key, String channelId) {
        entry(key).owed.remove(channelId);
    }

    /**
     * The previous run's channels are now accounted for (reported or backfilled): later gaps of this
     * run start from what this run handled.
     */
    synchronized void settled(ConnectionKey key) {
        Entry e = entry(key);
        e.unknownBecause = null;
        e.frozen = null;
    }

    /** Writes every connection that changed since the last flush; a failure is logged and retried next time. */
    void flush() {
        flush(null);
    }

    /** As {@link #flush()}, for one connection only ({@code null}: all). */
    void flush(ConnectionKey only) {
        List<Map.Entry<ConnectionKey, Map<String, ChannelMark>>> dirty = new ArrayList<>();
        Instant now = clock.instant();
        synchronized (this) {
            if (!durable()) {
                return;
            }
            entries.forEach((k, e) -> {
                if (e.dirty && (only == null || only.equals(k))) {
                    e.dirty = false;
                    e.savedAt = now;
                    dirty.add(Map.entry(k, new LinkedHashMap<>(e.channels)));
                }
            });
        }
        LedgerStore store = shared;
        for (Map.Entry<ConnectionKey, Map<String, ChannelMark>> d : dirty) {
            String where = store != null ? store.where(d.getKey()) : file(d.getKey()).toString();
            try {
                if (store != null) {
                    if (!store.write(d.getKey(), LedgerFile.encode(d.getValue(), now))) {
                        continue; // no longer ours: its new owner writes it
                    }
                } else {
                    LedgerFile.write(file(d.getKey()), d.getValue(), now);
                }
            } catch (IOException | RuntimeException ex) {
                synchronized (this) {
                    Entry e = entries.get(d.getKey());
                    if (e != null) {
                        e.dirty = true;
                    }
                }
                log.warn("{}: cannot write the backfill ledger {} ({}); retrying in a second", d.getKey(), where, ex.toString());
            }
        }
    }

    private Path file(ConnectionKey key) {
        return dir.orElseThrow().resolve(key.platform()).resolve(key.workspace() + ".json");
    }

    /** The key's entry, loaded from disk on first use. */
    private Entry entry(ConnectionKey key) {
        Entry e = entries.get(key);
        if (e == null) {
            e = load(key);
            entries.put(key, e);
        }
        return e;
    }

    private Entry load(ConnectionKey key) {
        Entry e = new Entry();
        LedgerStore store = shared;
        if (store != null) {
            try {
                byte[] bytes = store.read(key);
                if (bytes == null) {
                    e.unknownBecause = "no shared ledger at " + store.where(key) + " (no host of the cluster has run it yet)";
                } else {
                    known(e, LedgerFile.decode(bytes));
                }
            } catch (LedgerFile.Unreadable | IOException | RuntimeException ex) {
                e.unknownBecause = "the shared ledger " + store.where(key) + " is unreadable: " + ex.getMessage()
                        + " (the next write replaces it)";
                log.error("{}: {}: the gap is reported, not backfilled", key, e.unknownBecause);
            }
            return e;
        }
        if (dir.isEmpty()) {
            e.unknownBecause = "no state folder is configured (backfill.stateDir), so nothing of the previous run is known";
            return e;
        }
        Path file = file(key);
        try {
            LedgerFile.Content c = LedgerFile.read(file);
            if (c == null) {
                e.unknownBecause = "no ledger at " + file + " (first run with this state folder, or it was removed)";
            } else {
                known(e, c);
            }
        } catch (LedgerFile.Unreadable | IOException ex) {
            String why = ex instanceof LedgerFile.Unreadable ? ex.getMessage() : ex.toString();
            String aside = "";
            try {
                aside = ex instanceof LedgerFile.Unreadable ? "; moved aside to " + LedgerFile.quarantine(file) : "";
            } catch (IOException moveFailed) {
                aside = "; could not move it aside (" + moveFailed + ")";
            }
            e.unknownBecause = "the ledger " + file + " is unreadable: " + why + aside;
            log.error("{}: backfill ledger unreadable ({}){}: the gap since the last run is reported, not backfilled; "
                    + "a new ledger is written from now on", key, why, aside);
        }
        return e;
    }

    private static void known(Entry e, LedgerFile.Content c) {
        e.channels.putAll(c.channels());
        e.frozen = new LinkedHashMap<>(c.channels());
        e.savedAt = c.savedAt();
    }
}
