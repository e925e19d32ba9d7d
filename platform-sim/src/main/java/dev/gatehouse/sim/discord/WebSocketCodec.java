package dev.gatehouse.sim.discord;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The minimum of RFC 6455 the fake gateway needs: the HTTP upgrade and single frames, read and written
 * on plain streams. Hand-written on purpose: a library server answers pings and close frames by itself
 * and so cannot play a black hole or leave a close unanswered. Client-side masking is supported so tests
 * can drive the server with the same code.
 */
final class WebSocketCodec {

    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;

    /** Larger frames are refused: nothing a bot sends to the gateway comes near this. */
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private WebSocketCodec() {
    }

    /** One frame as it came off the wire, already unmasked. */
    record Frame(boolean fin, int opcode, byte[] payload) {

        boolean isControl() {
            return (opcode & 0x8) != 0;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or 1005 ("no status") when it carries none. */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    /** The request line and headers of an HTTP/1.1 request; header names are lower-cased. */
    record HttpHead(String method, String target, Map<String, String> headers) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        String query() {
            int q = target.indexOf('?');
            return q < 0 ? "" : target.substring(q + 1);
        }

        boolean isWebSocketUpgrade() {
            return "GET".equals(method)
                    && containsToken(header("upgrade"), "websocket")
                    && containsToken(header("connection"), "upgrade")
                    && "13".equals(header("sec-websocket-version"))
                    && header("sec-websocket-key") != null;
        }

        private static boolean containsToken(String value, String token) {
            if (value == null) {
                return false;
            }
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Reads an HTTP request head (request line and headers, up to the blank line). */
    static HttpHead readRequestHead(InputStream in) throws IOException {
        List<String> lines = readHeadLines(in);
        String[] requestLine = lines.get(0).split(" ");
        if (requestLine.length != 3) {
            throw new IOException("malformed request line: " + lines.get(0));
        }
        return new HttpHead(requestLine[0], requestLine[1], parseHeaders(lines));
    }

    /**
     * Reads the lines of an HTTP head, the first being the request or status line. Byte by byte, so
     * nothing after the blank line is consumed: frames may follow in the same TCP segment.
     */
    static List<String> readHeadLines(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside the HTTP head");
            }
            if (++total > MAX_HEADER_BYTES) {
                throw new IOException("HTTP head larger than " + MAX_HEADER_BYTES + " bytes");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                String text = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                if (text.isEmpty()) {
                    if (lines.isEmpty()) {
                        throw new IOException("empty HTTP head");
                    }
                    return lines;
                }
                lines.add(text);
                line.reset();
                previous = -1;
                continue;
            }
            line.write(b);
            previous = b;
        }
    }

    private static Map<String, String> parseHeaders(List<String> lines) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header : lines.subList(1, lines.size())) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                headers.merge(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        return headers;
    }

    /** {@code Sec-WebSocket-Accept} for a client key: base64(SHA-1(key + GUID)). */
    static String acceptKey(String clientKey) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((clientKey.trim() + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-1", e);
        }
    }

    static byte[] switchingProtocols(String clientKey) {
        String response = "HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptKey(clientKey) + "\r\n"
                + "\r\n";
        return response.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] badRequest(String reason) {
        byte[] body = reason.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 400 Bad Request\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n"
                + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /**
     * Reads one frame, unmasking it if masked.
     *
     * @throws EOFException when the stream ends before a frame starts or inside one
     */
    static Frame readFrame(InputStream in) throws IOException {
        int b0 = readByte(in);
        int b1 = readByte(in);
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        boolean masked = (b1 & 0x80) != 0;
        long length = b1 & 0x7F;
        if (length == 126) {
            length = ((long) readByte(in) << 8) | readByte(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte(in);
            }
        }
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("frame payload of " + length + " bytes exceeds " + MAX_PAYLOAD);
        }
        byte[] mask = masked ? in.readNBytes(4) : null;
        if (mask != null && mask.length < 4) {
            throw new EOFException("connection closed inside a frame mask");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("connection closed inside a frame payload");
        }
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new Frame(fin, opcode, payload);
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /** Writes one final frame; servers never mask, clients always do. Does not flush. */
    static void writeFrame(OutputStream out, int opcode, byte[] payload, boolean mask) throws IOException {
        out.write(0x80 | opcode);
        int maskBit = mask ? 0x80 : 0;
        if (payload.length <= 125) {
            out.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xFF);
        } else {
            out.write(maskBit | 127);
            long length = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >>> shift) & 0xFF);
            }
        }
        if (!mask) {
            out.write(payload);
            return;
        }
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        out.write(key);
        byte[] masked = payload.clone();
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= key[i & 3];
        }
        out.write(masked);
    }

    /** The payload of a close frame: two bytes of status code, then the UTF-8 reason (cut to fit 125 bytes). */
    static byte[] closePayload(int code, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int textLength = Math.min(text.length, 123);
        byte[] payload = new byte[2 + textLength];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, textLength);
        return payload;
    }
}
