package dev.gatehouse.sim.net;

import dev.gatehouse.sim.SimThreads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP proxy in front of one server, so that a connection's path can be black-holed while both
 * TCP connections stay open: one link at a time ({@link ProxyLink#setBlackHoled}, the Slack simulator's
 * routed apps) or the whole proxy ({@link #blackHole}, a partition between a client and its server).
 *
 * <p>Threads: one acceptor, plus two pumps per proxied connection.
 */
public final class TcpProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final SimThreads threads;
    private final AtomicLong linkIds = new AtomicLong();
    /** Open links by the local port of their upstream socket, the port the WebSocket server sees. */
    private final Map<Integer, ProxyLink> linksByUpstreamPort = new ConcurrentHashMap<>();
    private final Thread acceptor;
    /** Written by {@link #close()}, read by the acceptor. */
    private volatile boolean closed;
    /** Whether every link, new ones included, is black-holed ({@link #blackHole}). */
    private volatile boolean blackHoled;

    /** A proxy on an ephemeral loopback port to {@code upstreamPort} on loopback, its threads from {@code threads}. */
    public TcpProxy(int upstreamPort, SimThreads threads) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.listener = new ServerSocket(0, 50, loopback);
        this.upstream = new InetSocketAddress(loopback, upstreamPort);
        this.threads = threads;
        this.acceptor = threads.newThread("proxy-acceptor", this::acceptLoop);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The link whose upstream socket has this local port, or {@code null} for a direct connection. */
    public ProxyLink linkForUpstreamPort(int port) {
        return linksByUpstreamPort.get(port);
    }

    /**
     * A partition, or its end: while on, every link holds what it reads (both TCP connections stay open,
     * nothing arrives) and a new connection is accepted into the same silence; off releases it all in order.
     */
    public void blackHole(boolean on) {
        blackHoled = on;
        for (ProxyLink link : List.copyOf(linksByUpstreamPort.values())) {
            link.setBlackHoled(on);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("proxy acceptor stopped: {}", e.toString());
                }
                return;
            }
            try {
                client.setTcpNoDelay(true);
                Socket up = new Socket();
                up.setTcpNoDelay(true);
                up.connect(upstream, 2000);
                int port = up.getLocalPort();
                ProxyLink link = new ProxyLink(linkIds.incrementAndGet(), client, up,
                        () -> linksByUpstreamPort.remove(port));
                linksByUpstreamPort.put(port, link);
                // After it is listed, so that a blackHole() meanwhile either sees it or set the flag first.
                link.setBlackHoled(blackHoled);
                link.start(threads);
                if (closed) {
                    link.close(); // accepted while close() was sweeping the links
                }
            } catch (IOException e) {
                log.warn("proxy could not reach its server: {}", e.toString());
                try {
                    client.close();
                } catch (IOException ignored) {
                    // refusing the client is all that is left
                }
            }
        }
    }

    /** Stops accepting and closes every link. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (ProxyLink link : List.copyOf(linksByUpstreamPort.values())) {
            link.close();
        }
    }
}
