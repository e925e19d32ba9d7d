package dev.gatehouse.sim.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** Raw Web API calls over the JDK HTTP client, for wire-level assertions. */
final class WebApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An HTTP answer: status, parsed JSON body and the {@code Retry-After} header if any. */
    record Answer(int status, JsonNode body, String retryAfter) {
        boolean ok() {
            return body.path("ok").asBoolean(false);
        }

        String error() {
            return body.path("error").asText(null);
        }
    }

    private final HttpClient http;
    private final String prefix;

    WebApi(HttpClient http, String prefix) {
        this.http = http;
        this.prefix = prefix;
    }

    /** POSTs a form to {@code method}, with {@code Authorization: Bearer token} when token is not null. */
    Answer post(String method, String token, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(prefix + method))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    /** POSTs a JSON body to {@code method} with a bearer token. */
    Answer postJson(String method, String token, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(prefix + method))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** GETs an absolute URL. */
    Answer get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private Answer send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()),
                response.headers().firstValue("Retry-After").orElse(null));
    }
}
