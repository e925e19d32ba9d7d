package dev.gatehouse.host.cluster.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

/**
 * A one-server ZooKeeper ensemble in this process, on 127.0.0.1 and a port the system picks: the real
 * server classes (no admin server, no four-letter-word port). For the demo and for tests; a deployment
 * runs its own ensemble.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

    private static final int TICK_MILLIS = 500;
    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;

    private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory factory) {
        this.server = server;
        this.factory = factory;
    }

    /**
     * Starts a server keeping its data in {@code dataDir}. With a 500 ms tick, it grants session timeouts
     * from 1 s to 10 s unless asked for more ({@code maxSessionTimeout}).
     */
    public static EmbeddedZooKeeper start(Path dataDir, int maxSessionTimeoutMillis) {
        try {
            Path snap = Files.createDirectories(dataDir.resolve("snapshots"));
            Path log = Files.createDirectories(dataDir.resolve("log"));
            FileTxnSnapLog files = new FileTxnSnapLog(log.toFile(), snap.toFile());
            ZooKeeperServer zk = new ZooKeeperServer(files, TICK_MILLIS, TICK_MILLIS * 2, maxSessionTimeoutMillis, -1,
                    new ZKDatabase(files), "");
            ServerCnxnFactory f = ServerCnxnFactory.createFactory(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
            f.startup(zk);
            return new EmbeddedZooKeeper(zk, f);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded ZooKeeper in " + dataDir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded ZooKeeper", e);
        }
    }

    /** The connect string: {@code 127.0.0.1:<port>}. */
    public String connectString() {
        return "127.0.0.1:" + port();
    }

    public int port() {
        return factory.getLocalPort();
    }

    /** Connected client sessions. */
    public int sessions() {
        return factory.getNumAliveConnections();
    }

    @Override
    public void close() {
        factory.shutdown();
        server.shutdown();
    }
}
