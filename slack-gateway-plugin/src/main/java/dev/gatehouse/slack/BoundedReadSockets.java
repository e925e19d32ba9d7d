package dev.gatehouse.slack;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;

/**
 * Plain sockets whose read timeout is never "wait forever". OkHttp enforces its own read, write and
 * call timeouts with Okio's {@code AsyncTimeout}, whose one static "Okio Watchdog" thread lingers a
 * minute after the last timeout and cannot be stopped — it alone kept an unloaded plugin's class loader
 * reachable for about 70 s. The Web API client therefore sets no OkHttp timeout and bounds each read
 * natively with {@code SO_TIMEOUT} here instead; OkHttp's own "0 = no timeout" and anything above the
 * bound become the bound. Connects are bounded natively too. With a deadline (a one-shot check), every
 * connect and read is also cut to the time left until it.
 */
final class BoundedReadSockets extends SocketFactory {

    /** {@link System#nanoTime()} deadline meaning "none". */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    private final int readBoundMillis;
    private final int connectBoundMillis;
    private final long deadlineNanos;

    BoundedReadSockets(int readBoundMillis, int connectBoundMillis) {
        this(readBoundMillis, connectBoundMillis, NO_DEADLINE);
    }

    BoundedReadSockets(int readBoundMillis, int connectBoundMillis, long deadlineNanos) {
        this.readBoundMillis = Math.max(1, readBoundMillis);
        this.connectBoundMillis = Math.max(1, connectBoundMillis);
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public Socket createSocket() throws SocketException {
        return new Bounded(readBoundMillis, connectBoundMillis, deadlineNanos);
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

    /** A socket that clamps every read timeout to the bound, and with a deadline every connect and read to the time left. */
    private static final class Bounded extends Socket {
        private final int boundMillis;
        private final int connectBoundMillis;
        private final long deadlineNanos;
        /** The timeout last asked for (0 = none); the deadline shortens it again before every read. */
        private volatile int wanted;

        Bounded(int boundMillis, int connectBoundMillis, long deadlineNanos) throws SocketException {
            this.boundMillis = boundMillis;
            this.connectBoundMillis = connectBoundMillis;
            this.deadlineNanos = deadlineNanos;
            super.setSoTimeout(boundMillis);
        }

        @Override
        public synchronized void setSoTimeout(int timeout) throws SocketException {
            wanted = timeout;
            super.setSoTimeout(Math.min(timeout <= 0 || timeout > boundMillis ? boundMillis : timeout, millisLeft()));
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (deadlineNanos == NO_DEADLINE) {
                super.connect(endpoint, timeout);
                return;
            }
            int left = millisLeft();
            if (left <= 1) {
                throw new SocketTimeoutException("no time left to connect to " + endpoint);
            }
            super.connect(endpoint, Math.min(timeout <= 0 || timeout > connectBoundMillis ? connectBoundMillis : timeout, left));
        }

        /** With a deadline, a response that trickles in can no longer outlast it: each read gets only the time left. */
        @Override
        public InputStream getInputStream() throws IOException {
            InputStream in = super.getInputStream();
            if (deadlineNanos == NO_DEADLINE) {
                return in;
            }
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    setSoTimeout(wanted);
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    setSoTimeout(wanted);
                    return super.read(b, off, len);
                }
            };
        }

        /** At least 1: {@code SO_TIMEOUT} 0 would mean "forever". */
        private int millisLeft() {
            if (deadlineNanos == NO_DEADLINE) {
                return Integer.MAX_VALUE;
            }
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        }
    }
}
