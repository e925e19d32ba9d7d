package dev.gatehouse.sim.discord;

import dev.gatehouse.sim.SimThreads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP side of the fake gateway: a {@link ServerSocket} on 127.0.0.1, an accept thread, and one
 * daemon thread per connection. Listening can be stopped and restarted on the same port, so that
 * connection attempts in between are truly refused.
 */
final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final int BACKLOG = 1024;
    private static final long JOIN_BUDGET_MILLIS = 5_000;

    private final SimContext context;
    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private final int port;
    private final AtomicLong connectionIds = new AtomicLong();
    private final SimThreads threads;

    private final Object listenLock = new Object();
    private ServerSocket serverSocket; // guarded by listenLock; null while not listening
    private Thread acceptThread;        // guarded by listenLock
    private boolean closed;            // guarded by listenLock

    private volatile AcceptMode acceptMode = AcceptMode.NORMAL;

    GatewayServer(SimContext context, SimThreads threads) throws IOException {
        this.context = context;
        this.threads = threads;
        synchronized (listenLock) {
            listen(0);
            this.port = serverSocket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    void acceptMode(AcceptMode mode) {
        acceptMode = mode;
    }

    AcceptMode acceptMode() {
        return acceptMode;
    }

    boolean isListening() {
        synchronized (listenLock) {
            return serverSocket != null;
        }
    }

    /** Closes the listening socket: new connections are refused; open ones are left alone. */
    void stopListening() {
        if (closeListener()) {
            LOG.info("discord-sim gateway: stopped listening on port {}", port);
        }
    }

    /** Closes the listening socket and waits for the accept thread; false if it was not listening. */
    private boolean closeListener() {
        Thread stopped;
        synchronized (listenLock) {
            if (serverSocket == null) {
                return false;
            }
            closeQuietly(serverSocket);
            serverSocket = null;
            stopped = acceptThread;
            acceptThread = null;
        }
        join(stopped, JOIN_BUDGET_MILLIS);
        return true;
    }

    /** Binds the same port again and accepts connections. */
    void startListening() throws IOException {
        synchronized (listenLock) {
            if (closed) {
                throw new IllegalStateException("the simulator is closed");
            }
            if (serverSocket == null) {
                listen(port);
                LOG.info("discord-sim gateway: listening again on port {}", port);
            }
        }
    }

    private void listen(int wantedPort) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true); // re-binding while old connections linger in TIME_WAIT
        try {
            socket.bind(new InetSocketAddress(loopback, wantedPort), BACKLOG);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new IOException("cannot bind 127.0.0.1:" + wantedPort, e);
        }
        serverSocket = socket;
        acceptThread = threads.newThread("gateway-accept", () -> acceptLoop(socket));
        acceptThread.start();
    }

    private void acceptLoop(ServerSocket listening) {
        while (!listening.isClosed()) {
            Socket socket;
            try {
                socket = listening.accept();
            } catch (IOException e) {
                if (!listening.isClosed()) {
                    LOG.warn("discord-sim gateway: accept failed", e);
                }
                continue;
            }
            onAccepted(socket);
        }
    }

    private void onAccepted(Socket socket) {
        long id = connectionIds.incrementAndGet();
        GatewayConnection connection = new GatewayConnection(id, socket, context, acceptMode, this::acceptMode);
        context.globalStats().accepted();
        context.addConnection(connection);
        Thread thread = threads.newThread("conn-" + id, connection);
        thread.start();
    }

    /**
     * Stops listening and drops every connection. Does not wait for the threads: they share the
     * simulator's thread group with the REST server and the timer, which are still running now, so the
     * simulator waits for all of them once it has stopped those too (waiting here ran out the whole
     * {@link SimThreads#CLOSE_BUDGET} on every close).
     */
    @Override
    public void close() {
        synchronized (listenLock) {
            closed = true;
        }
        closeListener();
        context.connections().forEach(GatewayConnection::terminate);
    }

    private static void join(Thread thread, long millis) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("discord-sim gateway: closing the listener failed ({})", e.toString());
        }
    }
}
