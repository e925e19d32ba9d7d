package dev.gatehouse.host.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP server that answers every request with a status line and then one header byte at a time,
 * each well within a per-read bound, for {@code dripFor}: a client bounded per read only waits it all out.
 */
public final class DripServer implements AutoCloseable {

    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Duration dripFor;
    private final Duration every;

    public DripServer(Duration dripFor, Duration every) throws IOException {
        this.dripFor = dripFor;
        this.every = every;
        threads.execute(this::accept);
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                threads.execute(() -> drip(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void drip(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int matched = 0;
            while (matched < 4) { // the request's headers end with CRLF CRLF
                int b = in.read();
                if (b < 0) {
                    return;
                }
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            }
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Drip: ".getBytes(StandardCharsets.US_ASCII));
            long end = System.nanoTime() + dripFor.toNanos();
            while (System.nanoTime() - end < 0) {
                out.write('a');
                out.flush();
                TimeUnit.MILLISECONDS.sleep(every.toMillis()); // the pace of the drip is the fault itself
            }
        } catch (IOException e) {
            // the client gave up: what the tests want
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }
}
