package dev.gatehouse.host.backfill;

import dev.gatehouse.host.supervisor.ConnectionKey;
import java.io.IOException;

/**
 * Where the backfill ledgers live when they are shared by several hosts (cluster mode: in ZooKeeper), so
 * that the host that takes a connection over backfills from where its previous owner left off. Calls
 * may block (bounded) and are made off the host's supervision threads.
 */
public interface LedgerStore {

    /** The stored ledger of one connection, or {@code null} if there is none. */
    byte[] read(ConnectionKey key) throws IOException;

    /**
     * Replaces the stored ledger of one connection; {@code false} (nothing written) when this host may not
     * write it now, because it does not own the connection.
     */
    boolean write(ConnectionKey key, byte[] ledger) throws IOException;

    /** Where a connection's ledger is, for messages. */
    String where(ConnectionKey key);
}
