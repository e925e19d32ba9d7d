package dev.gatehouse.host.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.host.logging.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer: status, content type, body and any extra headers. JSON and text bodies pass through
 * {@link Secrets#redact} so that no answer can carry a secret.
 */
record AdminResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    AdminResponse {
        headers = Map.copyOf(headers);
    }

    static AdminResponse json(int status, JsonNode body) {
        try {
            return of(status, "application/json", StatusJson.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    static AdminResponse text(int status, String body) {
        return of(status, "text/plain; version=0.0.4; charset=utf-8", body);
    }

    /** {@code {"error": message, "status": status}}. */
    static AdminResponse error(int status, String message) {
        return json(status, StatusJson.MAPPER.createObjectNode().put("error", message).put("status", status));
    }

    AdminResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new AdminResponse(status, contentType, body, h);
    }

    private static AdminResponse of(int status, String type, String body) {
        return new AdminResponse(status, type, Secrets.redact(body).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Status line, headers and (unless {@code headOnly}) body, ready to write; always {@code Connection: close}. */
    byte[] toWire(boolean headOnly) {
        StringBuilder h = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\nContent-Type: ").append(contentType)
                .append("\r\nContent-Length: ").append(body.length)
                .append("\r\nCache-Control: no-store\r\nConnection: close\r\n");
        headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        byte[] head = h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (headOnly) {
            return head;
        }
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 421 -> "Misdirected Request";
            case 422 -> "Unprocessable Content";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status " + status;
        };
    }
}
