package dev.gatehouse.discord;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * The OkHttp client the plugin gives JDA for REST (one for all bots, see {@link SharedPools}), built so
 * that nothing of it keeps the plugin's class loader reachable after an unload.
 *
 * <p>OkHttp enforces read, write and call timeouts with Okio's {@code AsyncTimeout}, whose single
 * static "Okio Watchdog" thread lingers 60 s after the last timeout and cannot be stopped: it alone
 * kept an unloaded plugin's class loader alive for ≈ 70 s. So this client sets no OkHttp timeout and
 * bounds reads natively instead, with {@code SO_TIMEOUT} on sockets that refuse "0 = wait forever"
 * ({@link BoundedReadSockets}); connects are bounded by the connect timeout, which is native too. Only
 * HTTP/1.1 is offered: an HTTP/2 connection parks a reader on its socket between requests, which a
 * read bound would keep failing. Async calls (JDA makes none) would run on a host executor.
 */
final class RestHttpClient {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** {@link System#nanoTime()} deadline meaning "none": only the per-read and connect bounds apply. */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    private RestHttpClient() {
    }

    static OkHttpClient create(Duration readBound, ExecutorService asyncCalls) {
        return create(readBound, asyncCalls, NO_DEADLINE);
    }

    /**
     * As {@link #create(Duration, ExecutorService)}, with every connect and read also ending by {@code deadlineNanos}
     * (a {@link System#nanoTime()} value): a one-shot check must take no longer than its timeout in all.
     */
    static OkHttpClient create(Duration readBound, ExecutorService asyncCalls, long deadlineNanos) {
        return new OkHttpClient.Builder()
                .dispatcher(new Dispatcher(asyncCalls))
                .connectTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .writeTimeout(0, TimeUnit.MILLISECONDS)
                .callTimeout(0, TimeUnit.MILLISECONDS)
                .socketFactory(new BoundedReadSockets((int) Math.min(Integer.MAX_VALUE, readBound.toMillis()), deadlineNanos))
                .protocols(List.of(Protocol.HTTP_1_1))
                .build();
    }

    /**
     * {@code base} with reads bounded by {@code readBound}: the same dispatcher and connection pool, so the
     * plugin's bots share one OkHttp client (pooled connections are shared between clients with the same
     * bound, i.e. the same socket factory).
     */
    static OkHttpClient withReadBound(OkHttpClient base, Duration readBound) {
        return base.newBuilder()
                .socketFactory(new BoundedReadSockets((int) Math.min(Integer.MAX_VALUE, readBound.toMillis())))
                .build();
    }

    /** Closes the pooled connections that are idle; calls in flight keep theirs. Never throws. */
    static void evictIdle(OkHttpClient client) {
        try {
            client.connectionPool().evictAll();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(RestHttpClient.class).debug("closing idle REST connections: {}", e.toString());
        }
    }

    /**
     * Cancels calls, stops the dispatcher's executor and closes pooled connections; JDA never does (JDA
     * issue #1141). Never throws.
     */
    static void release(OkHttpClient client) {
        try {
            client.dispatcher().cancelAll();
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(RestHttpClient.class).debug("releasing the REST client: {}", e.toString());
        }
    }

    /**
     * Plain sockets whose read timeout is never "forever": 0 and anything above the bound become the bound.
     * With a deadline, every connect and read is also cut to the time left until it.
     */
    static final class BoundedReadSockets extends SocketFactory {

        private final int boundMillis;
        private final long deadlineNanos;

        BoundedReadSockets(int boundMillis) {
            this(boundMillis, NO_DEADLINE);
        }

        BoundedReadSockets(int boundMillis, long deadlineNanos) {
            this.boundMillis = Math.max(1, boundMillis);
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public Socket createSocket() throws SocketException {
            return new BoundedReadSocket(boundMillis, deadlineNanos);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            Socket s = createSocket();
            s.bind(new InetSocketAddress(localHost, localPort));
            s.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            return s;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            Socket s = createSocket();
            s.bind(new InetSocketAddress(localAddress, localPort));
            s.connect(new InetSocketAddress(address, port), (int) CONNECT_TIMEOUT.toMillis());
            return s;
        }

        private Socket connected(InetSocketAddress address) throws IOException {
            Socket s = createSocket();
            s.connect(address, (int) CONNECT_TIMEOUT.toMillis());
            return s;
        }
    }

    /** See {@link BoundedReadSockets}. */
    static final class BoundedReadSocket extends Socket {

        private final int boundMillis;
        private final long deadlineNanos;
        /** The timeout last asked for (0 = none); the deadline shortens it again before every read. */
        private volatile int wanted;

        BoundedReadSocket(int boundMillis) throws SocketException {
            this(boundMillis, NO_DEADLINE);
        }

        BoundedReadSocket(int boundMillis, long deadlineNanos) throws SocketException {
            this.boundMillis = boundMillis;
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
            int bound = (int) Math.min(timeout <= 0 ? CONNECT_TIMEOUT.toMillis() : timeout, CONNECT_TIMEOUT.toMillis());
            super.connect(endpoint, Math.min(bound, left));
        }

        /** With a deadline, a read that trickles in can no longer outlast it: each read gets only the time left. */
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
