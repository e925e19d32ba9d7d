package dev.gatehouse.sim.discord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One request the fake REST API received, whatever its outcome.
 *
 * @param receivedAt when it arrived
 * @param method     HTTP method
 * @param path       decoded path, e.g. {@code /api/v10/channels/42/messages/7/reactions/👍/@me}
 * @param query      raw query string, empty if none
 * @param botUserId  user id of the bot it was attributed to (by token or interaction), {@code null} if none
 * @param status     the HTTP status returned
 * @param body       the request body as text, empty if none
 */
public record RestCall(
        Instant receivedAt, String method, String path, String query, String botUserId, int status, String body) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The path below {@code /api/v10}, e.g. {@code /channels/42/messages}. */
    public String route() {
        return path.startsWith(RestServer.API_PREFIX) ? path.substring(RestServer.API_PREFIX.length() - 1) : path;
    }

    /** True for this method and a {@link #route()} matching the regular expression. */
    public boolean is(String httpMethod, String routeRegex) {
        return method.equals(httpMethod) && route().matches(routeRegex);
    }

    /** The body parsed as JSON (a missing node for an empty body). */
    public JsonNode json() {
        if (body.isEmpty()) {
            return MAPPER.missingNode();
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("body of " + method + " " + path + " is not JSON", e);
        }
    }
}
