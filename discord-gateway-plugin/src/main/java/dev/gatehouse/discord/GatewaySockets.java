package dev.gatehouse.discord;

import com.neovisionaries.ws.client.WebSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Every TCP socket one connection's JDA makes for its gateway comes from here (JDA's WebSocket
 * factory is built on it), so that closing the connection can end them all and refuse any later one.
 *
 * <p>Why JDA's own shutdown is not enough: its first connect (and every re-identify from the session
 * controller) runs outside the lock that {@code shutdown()} waits on, and a close frame sent to a socket
 * still in its handshake is dropped. JDA then reports SHUTDOWN at once while the handshake goes on; the
 * socket opens after our close returned, sends IDENTIFY and stays open, next to the host's next
 * connection. {@link #close()} makes "closed" mean what the host relies on: no socket left, none to come.
 */
final class GatewaySockets {

    private final String label;
    /** Guarded by this: sockets made and not yet seen closed. */
    private final Set<Socket> made = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Guarded by this. */
    private boolean closed;

    GatewaySockets(String label) {
        this.label = label;
    }

    /** For {@code JDABuilder.setWebsocketFactory}: JDA copies its settings, socket factories included. */
    WebSocketFactory webSocketFactory() {
        return new WebSocketFactory()
                .setSocketFactory(new Plain(SocketFactory.getDefault()))
                .setSSLSocketFactory(new Secure((SSLSocketFactory) SSLSocketFactory.getDefault()));
    }

    /** Closes every socket made so far and refuses new ones; returns how many were still open. Idempotent. */
    int close() {
        List<Socket> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(made);
            made.clear();
        }
        int stillOpen = 0;
        for (Socket s : open) {
            if (!s.isClosed()) {
                stillOpen++;
                closeQuietly(s);
            }
        }
        return stillOpen;
    }

    private <S extends Socket> S admit(S socket) throws SocketException {
        synchronized (this) {
            if (!closed) {
                made.removeIf(Socket::isClosed);
                made.add(socket);
                return socket;
            }
        }
        closeQuietly(socket);
        throw new SocketException(label + " is closed: no new gateway socket");
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing is all we wanted; a socket that fails to close is closed as far as Java goes
        }
    }

    /** {@code ws://}: nv-websocket asks for an unconnected socket and connects it itself. */
    private final class Plain extends SocketFactory {
        private final SocketFactory delegate;

        Plain(SocketFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Socket createSocket() throws IOException {
            return admit(delegate.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return admit(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return admit(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return admit(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return admit(delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    /** {@code wss://}, Discord's: the JDK's TLS sockets, unchanged (SNI and host name checks stay nv-websocket's). */
    private final class Secure extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        Secure(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return admit(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return admit(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            return admit(delegate.createSocket(s, consumed, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return admit(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return admit(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return admit(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return admit(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
