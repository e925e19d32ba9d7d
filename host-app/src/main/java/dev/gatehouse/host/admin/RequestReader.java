package dev.gatehouse.host.admin;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses one HTTP/1.1 request from bytes as they arrive, refusing it as soon as it breaks a limit:
 * a head over {@code maxHead} bytes or 100 lines (431), a declared body over {@code maxBody} (413,
 * before any of it is read), chunked bodies (411), anything malformed (400). Does no I/O, so the
 * caller decides how long to wait for the rest. The body is read and dropped: no endpoint takes one.
 */
final class RequestReader {

    enum Progress { MORE, DONE, REFUSED }

    private static final Pattern REQUEST_LINE = Pattern.compile("([A-Z]{1,16}) (\\S+) HTTP/1\\.[01]");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final int MAX_LINES = 100;

    private final int maxBody;
    private final InetSocketAddress local;
    private final byte[] head;
    private int headLength;
    /** Body bytes still to come; -1 while the head is being read. */
    private long bodyLeft = -1;
    private long received;
    private AdminRequest request;
    private AdminResponse refusal;

    RequestReader(int maxHead, int maxBody, InetSocketAddress local) {
        this.head = new byte[maxHead];
        this.maxBody = maxBody;
        this.local = local;
    }

    /** Consumes what {@code in} holds (or the part up to the end of the request). */
    Progress feed(ByteBuffer in) {
        if (refusal != null) {
            return Progress.REFUSED;
        }
        if (bodyLeft == 0) {
            return Progress.DONE;
        }
        while (in.hasRemaining()) {
            if (bodyLeft < 0) {
                if (headLength == head.length) {
                    return refuse(431, "request head is over the " + head.length + "-byte limit; send fewer or shorter headers");
                }
                byte b = in.get();
                received++;
                head[headLength++] = b;
                if (b == '\n' && headEnded()) {
                    parseHead();
                    if (refusal != null) {
                        return Progress.REFUSED;
                    }
                }
            } else {
                int skip = (int) Math.min(bodyLeft, in.remaining());
                in.position(in.position() + skip);
                received += skip;
                bodyLeft -= skip;
            }
            if (bodyLeft == 0) {
                return Progress.DONE;
            }
        }
        return Progress.MORE;
    }

    /** How many bytes of this request arrived so far. */
    long received() {
        return received;
    }

    AdminRequest request() {
        return request;
    }

    AdminResponse refusal() {
        return refusal;
    }

    private boolean headEnded() {
        int n = headLength;
        return n >= 2 && head[n - 2] == '\n' || n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r';
    }

    private void parseHead() {
        String[] lines = new String(head, 0, headLength, StandardCharsets.ISO_8859_1).split("\r?\n");
        String first = lines.length == 0 ? "" : lines[0];
        Matcher m = REQUEST_LINE.matcher(first);
        if (!m.matches()) {
            refuse(400, "not an HTTP/1.1 request line: '" + shorten(first) + "'; expected e.g. 'GET /status HTTP/1.1'");
            return;
        }
        if (lines.length > MAX_LINES) {
            refuse(431, "request head has " + lines.length + " lines, over the limit of " + MAX_LINES);
            return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
                refuse(400, "malformed header line '" + shorten(line) + "'; expected 'Name: value'");
                return;
            }
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        URI uri;
        try {
            uri = new URI(m.group(2));
        } catch (URISyntaxException e) {
            refuse(400, "request target '" + shorten(m.group(2)) + "' is not a valid URI path: " + e.getReason());
            return;
        }
        if (!m.group(2).startsWith("/") || uri.getPath() == null) {
            refuse(400, "request target '" + shorten(m.group(2)) + "' must be a path such as /status");
            return;
        }
        if (headers.getOrDefault("host", List.of()).size() > 1) {
            refuse(400, "more than one Host header");
            return;
        }
        if (headers.containsKey("transfer-encoding")) {
            refuse(411, "chunked or encoded request bodies are not accepted; send Content-Length (no admin endpoint takes a body)");
            return;
        }
        List<String> lengths = headers.getOrDefault("content-length", List.of("0"));
        if (lengths.stream().distinct().count() != 1 || !lengths.get(0).matches("\\d{1,18}")) {
            refuse(400, "Content-Length " + lengths + " is not one non-negative number");
            return;
        }
        long length = Long.parseLong(lengths.get(0));
        if (length > maxBody) {
            refuse(413, "request body of " + length + " bytes is over the " + maxBody + "-byte limit (no admin endpoint takes a body)");
            return;
        }
        request = new AdminRequest(m.group(1), uri.getPath(), uri.getRawQuery(), headers, local);
        bodyLeft = length;
    }

    private Progress refuse(int status, String message) {
        refusal = AdminResponse.error(status, message);
        return Progress.REFUSED;
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
