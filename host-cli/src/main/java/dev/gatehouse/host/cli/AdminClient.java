package dev.gatehouse.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options and HTTP calls shared by the commands that talk to a running host's admin API. */
final class AdminClient {

    @Option(names = "--admin", paramLabel = "URL", defaultValue = "${GATEHOUSE_ADMIN_URL:-http://127.0.0.1:8686}",
            description = "the running host's admin API (default: $GATEHOUSE_ADMIN_URL or ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--token-env", paramLabel = "NAME", defaultValue = "GATEHOUSE_ADMIN_TOKEN",
            description = "environment variable holding the admin bearer token (default: ${DEFAULT-VALUE})")
    String tokenEnv;

    /** An HTTP answer: status and parsed JSON body (or the raw text when it is not JSON). */
    record Answer(int status, JsonNode json, String text) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        String error() {
            return json != null && json.has("error") ? json.get("error").asText() : "HTTP " + status + ": " + text;
        }
    }

    static final ObjectMapper MAPPER = new ObjectMapper();

    Answer call(String method, String path, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path)).timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody());
        String token = System.getenv(tokenEnv);
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token.trim());
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = MAPPER.readTree(r.body());
        } catch (IOException e) {
            // not JSON (e.g. /metrics)
        }
        return new Answer(r.statusCode(), json, r.body());
    }
}
