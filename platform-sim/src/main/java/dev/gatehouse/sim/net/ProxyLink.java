package dev.gatehouse.sim.net;

import dev.gatehouse.sim.SimThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection through the {@link TcpProxy}: two pump threads copy bytes between the client's
 * socket and the upstream socket to the server.
 *
 * <p>While black-holed each pump holds the chunk it has read and reads no more, so data, FIN and RST all
 * stay behind (the rest piles up in kernel buffers) and both TCP connections stay open. Clearing the black
 * hole releases everything in order, as a recovered network path would.
 */
public final class ProxyLink {
    private static final Logger log = LoggerFactory.getLogger(ProxyLink.class);

    private final long id;
    private final Socket client;
    private final Socket upstream;
    private final Runnable onClosed;
    private final Object gate = new Object();
    /** Guarded by {@link #gate}. */
    private boolean blackHoled;
    /** Guarded by {@link #gate}. */
    private boolean closed;
    /** Pumps still running; the link closes when the second ends. */
    private final AtomicInteger runningPumps = new AtomicInteger(2);

    ProxyLink(long id, Socket client, Socket upstream, Runnable onClosed) {
        this.id = id;
        this.client = client;
        this.upstream = upstream;
        this.onClosed = onClosed;
    }

    /** Starts the two pumps on threads from {@code threads}. */
    void start(SimThreads threads) {
        threads.newThread("proxy-" + id + "-up", () -> pump(client, upstream)).start();
        threads.newThread("proxy-" + id + "-down", () -> pump(upstream, client)).start();
    }

    /** The local port of the upstream socket, i.e. the remote port the server sees. */
    public int upstreamLocalPort() {
        return upstream.getLocalPort();
    }

    /** Holds (on) or releases (off) what each direction reads; both TCP connections stay open. */
    public void setBlackHoled(boolean on) {
        synchronized (gate) {
            blackHoled = on;
            gate.notifyAll();
        }
    }

    public boolean blackHoled() {
        synchronized (gate) {
            return blackHoled;
        }
    }

    /** Closes both sockets at once, dropping anything held. Idempotent. */
    void close() {
        synchronized (gate) {
            if (closed) {
                return;
            }
            closed = true;
            gate.notifyAll();
        }
        closeQuietly(client);
        closeQuietly(upstream);
        onClosed.run();
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) != -1) {
                if (!awaitOpenPath()) {
                    return;
                }
                out.write(buffer, 0, read);
                out.flush();
            }
            if (awaitOpenPath()) {
                to.shutdownOutput(); // forward the FIN, keep the other direction flowing
            }
        } catch (IOException e) {
            // A reset or failed write on one side: reset the other side too, once the path is open.
            log.debug("proxy link {}: {}", id, e.toString());
            if (awaitOpenPath()) {
                reset(to);
                close();
            }
        } finally {
            if (runningPumps.decrementAndGet() == 0) {
                close();
            }
        }
    }

    /** Blocks while black-holed; false once the link is closed. */
    private boolean awaitOpenPath() {
        synchronized (gate) {
            while (blackHoled && !closed) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !closed;
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed: nothing to reset
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
