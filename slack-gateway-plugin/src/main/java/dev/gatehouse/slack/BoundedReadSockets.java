package dev.gatehouse.slack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * Plain sockets whose read timeout is never "wait forever". OkHttp enforces its own read, write and
 * call timeouts with Okio's {@code AsyncTimeout}, whose one static "Okio Watchdog" thread lingers a
 * minute after the last timeout and cannot be stopped — it alone kept an unloaded plugin's class loader
 * reachable for about 70 s. The Web API client therefore sets no OkHttp timeout and bounds each read
 * natively with {@code SO_TIMEOUT} here instead; OkHttp's own "0 = no timeout" and anything above the
 * bound become the bound. Connects are bounded natively too.
 */
final class BoundedReadSockets extends SocketFactory {

    private final int readBoundMillis;
    private final int connectBoundMillis;

    BoundedReadSockets(int readBoundMillis, int connectBoundMillis) {
        this.readBoundMillis = Math.max(1, readBoundMillis);
        this.connectBoundMillis = Math.max(1, connectBoundMillis);
    }

    @Override
    public Socket createSocket() throws SocketException {
        return new Bounded(readBoundMillis);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connect(createSocket(), new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localHost, localPort));
        return connect(s, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connect(createSocket(), new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        return connect(s, new InetSocketAddress(address, port));
    }

    private Socket connect(Socket s, InetSocketAddress to) throws IOException {
        try {
            s.connect(to, connectBoundMillis);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** A socket that clamps every read timeout to the bound. */
    private static final class Bounded extends Socket {
        private final int boundMillis;

        Bounded(int boundMillis) throws SocketException {
            this.boundMillis = boundMillis;
            super.setSoTimeout(boundMillis);
        }

        @Override
        public synchronized void setSoTimeout(int timeout) throws SocketException {
            super.setSoTimeout(timeout <= 0 || timeout > boundMillis ? boundMillis : timeout);
        }
    }
}
