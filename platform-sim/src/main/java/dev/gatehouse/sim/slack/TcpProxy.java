package dev.gatehouse.sim.slack;

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
 * A loopback TCP proxy in front of the WebSocket server, so that a connection's path can be black-holed
 * while both TCP connections stay open. Only apps routed through the proxy get its URL from
 * {@code apps.connections.open}; everyone else connects directly and costs no proxy threads.
 *
 * <p>Threads: one acceptor, plus two pumps per proxied connection.
 */
final class TcpProxy implements AutoCloseable {
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

    TcpProxy(int upstreamPort, SimThreads threads) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.listener = new ServerSocket(0, 50, loopback);
        this.upstream = new InetSocketAddress(loopback, upstreamPort);
        this.threads = threads;
        this.acceptor = threads.newThread("proxy-acceptor", this::acceptLoop);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The link whose upstream socket has this local port, or {@code null} for a direct connection. */
    ProxyLink linkForUpstreamPort(int port) {
        return linksByUpstreamPort.get(port);
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
                link.start(threads);
                if (closed) {
                    link.close(); // accepted while close() was sweeping the links
                }
            } catch (IOException e) {
                log.warn("proxy could not reach the WebSocket server: {}", e.toString());
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
