package dev.gatehouse.sim.slack;

import static dev.gatehouse.sim.slack.SlackEvents.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Web API on {@code /api/<method>} (JDK {@code HttpServer}) plus {@code GET /control/stats}.
 *
 * <p>Order of checks for a method call, as on Slack: token present ({@code not_authed}), token known
 * ({@code invalid_auth}), app's {@link AuthState}, then an armed {@link MethodFault}, then the method.
 */
final class ApiServer {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final String API_PREFIX = "/api/";

    /** An answer before it is written: status, JSON body, optional Retry-After. */
    private record Reply(int status, ObjectNode body, Integer retryAfterSeconds) {
        static Reply ok(ObjectNode body) {
            return new Reply(200, body, null);
        }

        static Reply error(String error) {
            ObjectNode body = JSON.createObjectNode();
            body.put("ok", false);
            body.put("error", error);
            return new Reply(200, body, null);
        }

        String error() {
            return body.path("ok").asBoolean(false) ? null : body.path("error").asText(null);
        }
    }

    private final HttpServer server;
    private final AppRegistry registry;
    private final BoundedLog<ApiCall> unattributedCalls;
    /** The port to put in WebSocket URLs: direct or proxy. */
    private final IntSupplier directPort;
    private final IntSupplier proxyPort;

    ApiServer(AppRegistry registry, BoundedLog<ApiCall> unattributedCalls, ExecutorService executor,
              IntSupplier directPort, IntSupplier proxyPort) throws IOException {
        this.registry = registry;
        this.unattributedCalls = unattributedCalls;
        this.directPort = directPort;
        this.proxyPort = proxyPort;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    void start() {
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            Reply reply;
            try {
                reply = route(exchange);
            } catch (RuntimeException e) {
                log.warn("Web API request {} failed: {}", exchange.getRequestURI().getPath(), e.toString(), e);
                reply = new Reply(500, Reply.error("fatal_error").body(), null);
            }
            write(exchange, reply);
        } finally {
            exchange.close();
        }
    }

    private Reply route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/control/stats")) {
            return Reply.ok(statsJson());
        }
        if (path.startsWith(API_PREFIX) && path.length() > API_PREFIX.length()) {
            return callMethod(path.substring(API_PREFIX.length()), exchange);
        }
        return new Reply(404, Reply.error("unknown_method").body(), null);
    }

    private Reply callMethod(String method, HttpExchange exchange) throws IOException {
        Map<String, String> params = readParams(exchange);
        String token = bearerToken(exchange);
        String formToken = params.remove("token");
        if (token == null) {
            token = formToken;
        }
        AppState app = registry.byToken(token);
        TokenKind kind = token == null ? TokenKind.NONE
                : app == null ? TokenKind.UNKNOWN
                : token.equals(app.app.appToken()) ? TokenKind.APP : TokenKind.BOT;
        Reply reply = answer(method, app, kind, params);
        ApiCall call = new ApiCall(Instant.now(), method, app == null ? null : app.app.appId(), kind, params,
                reply.status(), reply.error());
        (app == null ? unattributedCalls : app.calls).add(call);
        return reply;
    }

    private Reply answer(String method, AppState app, TokenKind kind, Map<String, String> params) {
        if (kind == TokenKind.NONE) {
            return Reply.error("not_authed");
        }
        if (app == null) {
            return Reply.error("invalid_auth");
        }
        switch (method) {
            case "apps.connections.open" -> app.counters.connectionsOpenCalls.incrementAndGet();
            case "auth.test" -> app.counters.authTestCalls.incrementAndGet();
            default -> { }
        }
        if (app.authState != AuthState.VALID) {
            return Reply.error(app.authState.error());
        }
        MethodFault fault = app.takeMethodFault(method);
        if (fault != null) {
            return faultReply(fault);
        }
        return switch (method) {
            case "apps.connections.open" -> connectionsOpen(app, kind);
            case "auth.test" -> Reply.ok(authTest(app.app));
            case "chat.postMessage" -> postMessage(app, params);
            case "conversations.history" -> history(app, kind, params);
            case "chat.update" -> Reply.ok(messageRef(params).put("text", params.getOrDefault("text", "")));
            case "chat.delete" -> Reply.ok(messageRef(params));
            default -> Reply.ok(okBody());
        };
    }

    private Reply connectionsOpen(AppState app, TokenKind kind) {
        if (kind != TokenKind.APP) {
            return Reply.error("not_allowed_token_type");
        }
        int port = app.routeThroughProxy ? proxyPort.getAsInt() : directPort.getAsInt();
        ObjectNode body = okBody();
        body.put("url", "ws://127.0.0.1:" + port + "/link/?ticket=" + registry.issueTicket(app)
                + "&app_id=" + app.app.appId());
        return Reply.ok(body);
    }

    private static ObjectNode authTest(SimSlackApp app) {
        ObjectNode body = okBody();
        body.put("url", "https://" + Envelopes.domain(app) + ".slack.com/");
        body.put("team", app.teamName());
        body.put("user", "sim-bot");
        body.put("team_id", app.teamId());
        body.put("user_id", app.botUserId());
        body.put("bot_id", app.botId());
        body.put("is_enterprise_install", false);
        return body;
    }

    private static Reply history(AppState app, TokenKind kind, Map<String, String> params) {
        if (kind != TokenKind.BOT) {
            return Reply.error("not_allowed_token_type");
        }
        String channel = params.get("channel");
        if (channel == null || channel.isBlank()) {
            return Reply.error("channel_not_found");
        }
        int limit;
        try {
            limit = params.containsKey("limit") ? Integer.parseInt(params.get("limit")) : ChannelHistory.DEFAULT_LIMIT;
        } catch (NumberFormatException e) {
            return Reply.error("invalid_arguments");
        }
        String cursor = params.get("cursor");
        ObjectNode body;
        try {
            body = app.messages.page(channel, blankToNull(params.get("oldest")), blankToNull(params.get("latest")),
                    "true".equals(params.get("inclusive")) || "1".equals(params.get("inclusive")), limit, blankToNull(cursor));
        } catch (IllegalArgumentException e) {
            return Reply.error("invalid_cursor");
        }
        return body == null ? Reply.error("channel_not_found") : Reply.ok(body);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Reply postMessage(AppState state, Map<String, String> params) {
        SimSlackApp app = state.app;
        String channel = params.get("channel");
        if (channel == null || channel.isBlank()) {
            return Reply.error("channel_not_found");
        }
        String ts = SlackEvents.nextTs();
        ObjectNode body = okBody();
        body.put("channel", channel);
        body.put("ts", ts);
        ObjectNode message = body.putObject("message");
        message.put("type", "message");
        message.put("text", params.getOrDefault("text", ""));
        message.put("user", app.botUserId());
        message.put("bot_id", app.botId());
        message.put("ts", ts);
        ObjectNode stored = message.deepCopy();
        stored.put("channel", channel);
        state.messages.record(stored);
        return Reply.ok(body);
    }

    /** The {@code {"ok":true,"channel":…,"ts":…}} that update and delete answer. */
    private static ObjectNode messageRef(Map<String, String> params) {
        ObjectNode body = okBody();
        body.put("channel", params.getOrDefault("channel", ""));
        body.put("ts", params.getOrDefault("ts", ""));
        return body;
    }

    private static Reply faultReply(MethodFault fault) {
        // Java 17 has no pattern switch; the sealed interface keeps this chain exhaustive by review.
        if (fault instanceof MethodFault.HttpError error) {
            return new Reply(error.status(), Reply.error("fatal_error").body(), null);
        }
        if (fault instanceof MethodFault.RateLimited limited) {
            return new Reply(429, Reply.error("ratelimited").body(), limited.retryAfterSeconds());
        }
        if (fault instanceof MethodFault.ErrorReply reply) {
            return Reply.error(reply.error());
        }
        throw new IllegalArgumentException("unhandled method fault " + fault);
    }

    private ObjectNode statsJson() {
        ObjectNode body = okBody();
        ObjectNode apps = body.putObject("apps");
        for (AppState app : registry.all()) {
            apps.set(app.app.appId(), JSON.valueToTree(app.stats()));
        }
        return body;
    }

    private static ObjectNode okBody() {
        ObjectNode body = JSON.createObjectNode();
        body.put("ok", true);
        return body;
    }

    private static String bearerToken(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        return null;
    }

    /** Query string plus form body, or the top-level fields of a JSON body. */
    private static Map<String, String> readParams(HttpExchange exchange) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        parseForm(exchange.getRequestURI().getRawQuery(), params);
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            JsonNode json = JSON.readTree(body.isEmpty() ? "{}" : body);
            for (Map.Entry<String, JsonNode> field : json.properties()) {
                JsonNode value = field.getValue();
                params.put(field.getKey(), value.isTextual() ? value.asText() : value.toString());
            }
        } else {
            parseForm(body, params);
        }
        return params;
    }

    private static void parseForm(String encoded, Map<String, String> into) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            into.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
    }

    private static void write(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = reply.body().toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if (reply.retryAfterSeconds() != null) {
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(reply.retryAfterSeconds()));
        }
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
