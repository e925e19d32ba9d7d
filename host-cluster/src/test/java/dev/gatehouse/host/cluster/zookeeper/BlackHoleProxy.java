package dev.gatehouse.host.cluster.zookeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback in front of one server that can black-hole its traffic: while black-holed it
 * keeps every connection open but drops every byte both ways and leaves new connections unanswered,
 * as a network partition does (nothing is closed, nothing arrives).
 */
final class BlackHoleProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int upstream;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean blackHoled;
    private volatile boolean closed;

    BlackHoleProxy(int upstreamPort) throws IOException {
        this.upstream = upstreamPort;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        start("proxy-accept", this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    void blackHole(boolean on) {
        blackHoled = on;
    }

    private void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                start("proxy-open", () -> open(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void open(Socket client) {
        try {
            while (blackHoled && !closed) {
                Thread.sleep(20); // a connect into a partition: accepted by the kernel, never answered
            }
            Socket server = new Socket(InetAddress.getLoopbackAddress(), upstream);
            sockets.add(server);
            start("proxy-up", () -> pump(client, server));
            start("proxy-down", () -> pump(server, client));
        } catch (IOException | InterruptedException e) {
            quietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (!blackHoled) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            quietly(from);
            quietly(to);
        }
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        sockets.forEach(BlackHoleProxy::quietly);
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
