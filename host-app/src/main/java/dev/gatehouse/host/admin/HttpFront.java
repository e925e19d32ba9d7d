package dev.gatehouse.host.admin;

import dev.gatehouse.host.exec.DaemonThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's HTTP/1.1 transport: one selector thread accepts connections, reads each request
 * without blocking and writes each answer without blocking, every step with a deadline. A client that
 * stalls half-way through a request therefore holds no thread, only a connection slot until its
 * deadline (408); when every slot is taken, the connection that has been reading longest gives way.
 * A complete request goes to the {@link Handler}, which hands the work to its own executors and
 * answers from any thread. One request per connection ({@code Connection: close}).
 *
 * <p>Why not the JDK's {@code HttpServer}: its dispatcher hands a connection to the executor at the
 * first byte, and the executor thread then reads the request line and headers with blocking reads.
 * The only bound on that read, {@code sun.net.httpserver.maxReqTime}, is a JVM-wide system property
 * read once per JVM and unset by default, which an embeddable host cannot own; and its idle timeout
 * covers connections that sent nothing, not those that sent part of a request.
 */
final class HttpFront implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpFront.class);
    /** How long a client may go on sending (an unread body) after its answer, before the connection is closed. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Takes a complete request without blocking; answers through {@code reply}, once, from any thread. */
    interface Handler {
        void handle(AdminRequest request, Consumer<AdminResponse> reply);
    }

    /**
     * @param readTimeout from accept until the whole request (head and body) has arrived
     * @param answerTimeout from the complete request until the handler answered
     * @param writeTimeout for the client to take the answer
     * @param maxHead bytes of request line and headers
     * @param maxBody bytes of body
     * @param maxConnections connections open at once
     */
    record Limits(Duration readTimeout, Duration answerTimeout, Duration writeTimeout, int maxHead, int maxBody,
            int maxConnections) {
        static final Limits DEFAULTS = new Limits(Duration.ofSeconds(5), Duration.ofMinutes(6), Duration.ofSeconds(10),
                16 * 1024, 64 * 1024, 64);
    }

    private enum Phase { READING, ANSWERING, WRITING, LINGERING }

    /** One connection; confined to the loop thread. */
    private static final class Conn {
        final SocketChannel channel;
        final RequestReader reader;
        SelectionKey key;
        Phase phase = Phase.READING;
        long deadline;
        boolean head;
        ByteBuffer out;

        Conn(SocketChannel channel, RequestReader reader) {
            this.channel = channel;
            this.reader = reader;
        }
    }

    private record Answer(Conn conn, AdminResponse response) {
    }

    private final Limits limits;
    private final Handler handler;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final int port;
    private final Thread loop;
    /** Answers from handler threads, written by the loop thread. */
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    /** Guarded by confinement to the loop thread. */
    private final Set<Conn> conns = new HashSet<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(8192);
    private volatile boolean closed;

    HttpFront(InetSocketAddress bind, Limits limits, Handler handler) throws IOException {
        this.limits = limits;
        this.handler = handler;
        this.selector = Selector.open();
        ServerSocketChannel ch = null;
        try {
            ch = ServerSocketChannel.open();
            ch.bind(bind, 64);
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            selector.close();
            throw e;
        }
        this.server = ch;
        this.port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        this.loop = DaemonThreads.factory("gatehouse-admin-io").newThread(this::run);
        loop.start();
    }

    int port() {
        return port;
    }

    private void run() {
        try {
            while (!closed) {
                selector.select(selectTimeoutMillis(System.nanoTime()));
                long now = System.nanoTime();
                for (Answer a; (a = answers.poll()) != null;) {
                    if (a.conn.phase == Phase.ANSWERING && conns.contains(a.conn)) {
                        startWrite(a.conn, a.response, now);
                    }
                }
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext();) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept(now);
                    } else {
                        serve((Conn) key.attachment(), key, now);
                    }
                }
                expire(now);
            }
        } catch (IOException | RuntimeException e) {
            log.error("admin API stopped serving: {}", e.toString(), e);
        } finally {
            new ArrayList<>(conns).forEach(this::drop);
            closeQuietly(server);
            closeQuietly(selector);
        }
    }

    private long selectTimeoutMillis(long now) {
        long soonest = Long.MAX_VALUE;
        for (Conn c : conns) {
            soonest = Math.min(soonest, c.deadline - now);
        }
        return soonest == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(soonest) + 1);
    }

    private void accept(long now) {
        try {
            for (SocketChannel ch; (ch = server.accept()) != null;) {
                if (conns.size() >= limits.maxConnections() && !evictLongestReading()) {
                    log.warn("admin API: {} connections are open and all are being answered; refusing one more", conns.size());
                    ch.close();
                    continue;
                }
                ch.configureBlocking(false);
                Conn c = new Conn(ch, new RequestReader(limits.maxHead(), limits.maxBody(), (InetSocketAddress) ch.getLocalAddress()));
                c.deadline = now + limits.readTimeout().toNanos();
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                conns.add(c);
            }
        } catch (IOException e) {
            log.warn("admin API: cannot accept a connection: {}", e.toString());
        }
    }

    /** Makes room by dropping the connection that has been sending its request longest; false if none is. */
    private boolean evictLongestReading() {
        Conn oldest = null;
        for (Conn c : conns) {
            if (c.phase == Phase.READING && (oldest == null || c.deadline - oldest.deadline < 0)) {
                oldest = c;
            }
        }
        if (oldest != null) {
            drop(oldest);
        }
        return oldest != null;
    }

    private void serve(Conn c, SelectionKey key, long now) {
        try {
            if (key.isReadable()) {
                read(c, now);
            }
            if (key.isValid() && key.isWritable()) {
                write(c, now);
            }
        } catch (IOException e) {
            log.debug("admin connection dropped: {}", e.toString());
            drop(c);
        }
    }

    private void read(Conn c, long now) throws IOException {
        readBuffer.clear();
        if (c.channel.read(readBuffer) < 0) {
            drop(c);
            return;
        }
        if (c.phase != Phase.READING) {
            return; // lingering: what the client still sends is dropped
        }
        readBuffer.flip();
        switch (c.reader.feed(readBuffer)) {
            case MORE -> {
            }
            case REFUSED -> startWrite(c, c.reader.refusal(), now);
            case DONE -> dispatch(c, now);
        }
    }

    private void dispatch(Conn c, long now) {
        AdminRequest request = c.reader.request();
        c.phase = Phase.ANSWERING;
        c.deadline = now + limits.answerTimeout().toNanos();
        c.head = request.isHead();
        c.key.interestOps(0);
        AtomicBoolean answered = new AtomicBoolean();
        try {
            handler.handle(request, r -> {
                if (answered.compareAndSet(false, true)) {
                    answers.add(new Answer(c, r));
                    selector.wakeup();
                }
            });
        } catch (RuntimeException e) {
            log.error("admin request {} {} failed: {}", request.method(), request.path(), e.toString(), e);
            if (answered.compareAndSet(false, true)) {
                startWrite(c, AdminResponse.error(500, "internal error: " + e.getClass().getSimpleName()), now);
            }
        }
    }

    private void startWrite(Conn c, AdminResponse response, long now) {
        c.out = ByteBuffer.wrap(response.toWire(c.head));
        c.phase = Phase.WRITING;
        c.deadline = now + limits.writeTimeout().toNanos();
        try {
            c.key.interestOps(SelectionKey.OP_WRITE);
            write(c, now);
        } catch (IOException e) {
            log.debug("admin connection dropped while answering: {}", e.toString());
            drop(c);
        }
    }

    private void write(Conn c, long now) throws IOException {
        c.channel.write(c.out);
        if (!c.out.hasRemaining()) {
            // Closing with unread input would reset the connection and could destroy the answer in
            // flight (a refused body still arriving): half-close, then read and drop until EOF or linger ends.
            c.channel.shutdownOutput();
            c.phase = Phase.LINGERING;
            c.deadline = now + LINGER_NANOS;
            c.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void expire(long now) {
        for (Conn c : new ArrayList<>(conns)) {
            if (c.deadline - now > 0) {
                continue;
            }
            switch (c.phase) {
                case READING -> {
                    if (c.reader.received() == 0) {
                        drop(c);
                    } else {
                        startWrite(c, AdminResponse.error(408, "request not received within " + seconds(limits.readTimeout())
                                + ": request line, headers and body must arrive together"), now);
                    }
                }
                case ANSWERING -> startWrite(c, AdminResponse.error(503, "no answer within " + seconds(limits.answerTimeout())
                        + "; the operation may still complete, see GET /status"), now);
                case WRITING, LINGERING -> drop(c);
            }
        }
    }

    private void drop(Conn c) {
        conns.remove(c);
        if (c.key != null) {
            c.key.cancel();
        }
        closeQuietly(c.channel);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("admin API: closing {}: {}", c, e.toString());
        }
    }

    /** Stops accepting, closes every connection and ends the loop thread (within 5 s). */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (loop.isAlive()) {
            log.warn("admin API: the I/O thread did not end within 5 s of close");
        }
    }
}
