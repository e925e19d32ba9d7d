package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The REST client bounds every read without OkHttp timeouts, so Okio's watchdog thread never starts.
 * OkHttp types appear in method bodies only, never in a signature (lambdas included): failsafe discovers
 * this class too, on a class path without OkHttp.
 */
class RestHttpClientTest {

    private final ExecutorService async = Executors.newSingleThreadExecutor();

    @AfterEach
    void tearDown() {
        async.shutdownNow();
    }

    @Test
    void socketsTurnWaitForeverIntoTheBound() throws IOException {
        try (Socket s = new RestHttpClient.BoundedReadSockets(1500).createSocket()) {
            assertThat(s.getSoTimeout()).isEqualTo(1500);
            s.setSoTimeout(0);
            assertThat(s.getSoTimeout()).isEqualTo(1500);
            s.setSoTimeout(200);
            assertThat(s.getSoTimeout()).isEqualTo(200);
            s.setSoTimeout(60_000);
            assertThat(s.getSoTimeout()).isEqualTo(1500);
        }
    }

    @Test
    void requestsWorkAndStartNoOkioWatchdog() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        OkHttpClient client = RestHttpClient.create(Duration.ofSeconds(5), async);
        try (Response r = client.newCall(new Request.Builder()
                .url("http://127.0.0.1:" + server.getAddress().getPort() + "/x").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("{\"id\":\"1\"}");
        } finally {
            RestHttpClient.release(client);
            server.stop(0);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("Okio Watchdog"));
        assertThat(client.connectionPool().connectionCount()).isZero();
    }

    @Test
    void aServerThatNeverAnswersFailsTheReadAtTheBound() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            OkHttpClient client = RestHttpClient.create(Duration.ofMillis(300), async);
            long start = System.nanoTime();
            IOException failure = null;
            try (Response r = client.newCall(new Request.Builder()
                    .url("http://127.0.0.1:" + silent.getLocalPort() + "/x").build()).execute()) {
                assertThat(r.code()).as("no answer expected").isNegative();
            } catch (IOException e) {
                failure = e;
            } finally {
                RestHttpClient.release(client);
            }
            assertThat(failure).isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
        }
    }
}
