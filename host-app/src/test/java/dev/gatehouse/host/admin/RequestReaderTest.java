package dev.gatehouse.host.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.admin.RequestReader.Progress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Requests as they come off the wire: in pieces, malformed, or too big. */
class RequestReaderTest {

    private final RequestReader reader = new RequestReader(1024, 100, new InetSocketAddress("127.0.0.1", 8686));

    private Progress feed(String text) {
        return reader.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private String refusal() {
        return new String(reader.refusal().body(), StandardCharsets.UTF_8);
    }

    @Test
    void aRequestSplitAnywhereIsDoneOnlyWhenItsBodyHasArrived() {
        String all = "POST /plugins/slack/reload?force=true HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello";
        for (int i = 0; i < all.length() - 1; i++) {
            assertThat(feed(all.substring(i, i + 1))).as("after byte %d", i).isEqualTo(Progress.MORE);
        }
        assertThat(feed("o")).isEqualTo(Progress.DONE);
        AdminRequest r = reader.request();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/plugins/slack/reload");
        assertThat(r.rawQuery()).isEqualTo("force=true");
        assertThat(r.header("host")).isEqualTo("127.0.0.1");
        assertThat(reader.received()).isEqualTo(all.length());
    }

    @Test
    void bareLineFeedsEndTheHeadToo() {
        assertThat(feed("GET /livez HTTP/1.0\nHost: localhost\n\n")).isEqualTo(Progress.DONE);
        assertThat(reader.request().header("host")).isEqualTo("localhost");
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedBeforeItArrives() {
        assertThat(feed("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n")).isEqualTo(Progress.REFUSED);
        assertThat(reader.refusal().status()).isEqualTo(413);
        assertThat(refusal()).contains("101 bytes").contains("100-byte limit");
    }

    @Test
    void aHeadOverTheLimitIsRefused() {
        assertThat(feed("GET /x HTTP/1.1\r\nX: " + "a".repeat(1100))).isEqualTo(Progress.REFUSED);
        assertThat(reader.refusal().status()).isEqualTo(431);
        assertThat(refusal()).contains("1024-byte limit");
    }

    @Test
    void chunkedBodiesAreRefusedWith411() {
        assertThat(feed("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")).isEqualTo(Progress.REFUSED);
        assertThat(reader.refusal().status()).isEqualTo(411);
    }

    @Test
    void malformedRequestsAreRefusedWith400NamingTheProblem() {
        String[][] cases = {
            {"HELLO\r\n\r\n", "not an HTTP/1.1 request line"},
            {"GET http://evil.example/status HTTP/1.1\r\nHost: a\r\n\r\n", "must be a path"},
            {"GET /status HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "more than one Host"},
            {"GET /status HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "Content-Length [1, 2]"},
            {"GET /status HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", "Content-Length [-1]"},
            {"GET /status HTTP/1.1\r\nNo colon here\r\n\r\n", "malformed header line 'No colon here'"},
            {"GET /status HTTP/1.1\r\n folded: x\r\n\r\n", "malformed header line"},
            {"\r\n\r\n", "not an HTTP/1.1 request line"},
        };
        for (String[] c : cases) {
            RequestReader r = new RequestReader(1024, 100, new InetSocketAddress("127.0.0.1", 8686));
            assertThat(r.feed(ByteBuffer.wrap(c[0].getBytes(StandardCharsets.ISO_8859_1)))).as(c[0]).isEqualTo(Progress.REFUSED);
            assertThat(r.refusal().status()).as(c[0]).isEqualTo(400);
            assertThat(new String(r.refusal().body(), StandardCharsets.UTF_8)).as(c[0]).contains(c[1]);
        }
    }
}
