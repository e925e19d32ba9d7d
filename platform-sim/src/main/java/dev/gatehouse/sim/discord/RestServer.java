package dev.gatehouse.sim.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.sim.SimThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fake Discord REST API on a JDK {@link HttpServer}: the calls JDA makes at start-up and the
 * message, reaction and interaction endpoints a bot uses. Every request under {@code /api/v10/} is
 * recorded as a {@link RestCall}, unknown endpoints included (404). Successful answers carry the
 * rate-limit headers Discord sends; the 429 fault uses the exact headers and body JDA's requester reads
 * (an integer {@code Retry-After}, a {@code Via} header so JDA does not take it for a Cloudflare ban,
 * and {@code retry_after} in the JSON body).
 */
final class RestServer implements AutoCloseable {

    static final String API_PREFIX = "/api/v10/";
    static final String STATS_PATH = "/control/stats";

    private static final Logger LOG = LoggerFactory.getLogger(RestServer.class);
    private static final int WORKERS = 8;
    /** Path words kept when deriving a rate-limit bucket; everything else is an id or a token. */
    private static final Set<String> ROUTE_WORDS = Set.of(
            "users", "@me", "channels", "messages", "reactions", "interactions", "callback", "webhooks",
            "gateway", "bot");

    private record Reply(int status, JsonNode body, Map<String, String> headers) {

        static Reply json(int status, JsonNode body) {
            return new Reply(status, body, Map.of());
        }

        static Reply noContent() {
            return new Reply(204, null, Map.of());
        }

        static Reply error(int status, int code, String message) {
            return json(status, Payloads.error(code, message));
        }
    }

    private final SimContext context;
    private final Supplier<JsonNode> statsJson;
    private final Supplier<String> gatewayUrl;
    private final ExecutorService workers;
    private final HttpServer server;

    RestServer(SimContext context, Supplier<JsonNode> statsJson, Supplier<String> gatewayUrl, SimThreads threads)
            throws IOException {
        this.context = context;
        this.statsJson = statsJson;
        this.gatewayUrl = gatewayUrl;
        this.workers = Executors.newFixedThreadPool(WORKERS, threads.factory("rest"));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("discord-sim rest: workers still running after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String rawPath = exchange.getRequestURI().getRawPath();
            String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (rawPath.equals(STATS_PATH) && method.equals("GET")) {
                respond(exchange, Reply.json(200, statsJson.get()));
                return;
            }
            List<String> segments = rawPath.startsWith(API_PREFIX)
                    ? decodeSegments(rawPath.substring(API_PREFIX.length())) : List.of();
            SimBot[] attributed = new SimBot[1];
            Reply reply;
            try {
                reply = segments.isEmpty()
                        ? notFound()
                        : route(method, segments, query, exchange.getRequestHeaders(), body, attributed);
            } catch (RuntimeException e) {
                LOG.error("discord-sim rest: {} {} failed", method, rawPath, e);
                reply = Reply.error(500, 0, "500: Internal Server Error");
            }
            record(method, rawPath, segments, query, attributed[0], reply.status(), body);
            respond(exchange, reply);
        }
    }

    private Reply route(String method, List<String> s, String query, Headers headers, String body, SimBot[] attributed) {
        SimBot bot;
        SimWorld.Interaction interaction = null;
        if (s.get(0).equals("interactions") || s.get(0).equals("webhooks")) {
            // interaction routes are authorised by the interaction token in the path, not a bot token
            interaction = s.size() >= 3
                    ? (s.get(0).equals("interactions")
                            ? context.world().interaction(s.get(1), s.get(2))
                            : context.world().interactionByToken(s.get(2))).orElse(null)
                    : null;
            if (interaction == null) {
                return s.get(0).equals("interactions")
                        ? Reply.error(404, 10062, "Unknown interaction")
                        : Reply.error(404, 10015, "Unknown Webhook");
            }
            bot = interaction.bot;
        } else {
            bot = context.botByToken(headers.getFirst("Authorization")).orElse(null);
            attributed[0] = bot; // a revoked token still names its bot in the record
            if (bot == null || context.restUnauthorized(bot)) {
                return Reply.error(401, 0, "401: Unauthorized");
            }
        }
        attributed[0] = bot;
        boolean exempt = s.get(0).equals("gateway") || (method.equals("GET") && s.equals(List.of("users", "@me")));
        if (!exempt) {
            Optional<Duration> retryAfter = context.takeRateLimit(bot);
            if (retryAfter.isPresent()) {
                return rateLimited(method, s, retryAfter.get());
            }
        }
        Reply reply = interaction != null ? interactionRoute(method, s, body, interaction)
                : method.equals("GET") && s.size() == 3 && s.get(0).equals("channels") && s.get(2).equals("messages")
                ? history(s.get(1), query) : botRoute(method, s, body, bot);
        if (reply.status() < 300 && !exempt) {
            return new Reply(reply.status(), reply.body(), bucketHeaders(method, s, 5, 4, Duration.ofSeconds(1)));
        }
        return reply;
    }

    private Reply botRoute(String method, List<String> s, String body, SimBot bot) {
        String route = method + " " + String.join("/", s.stream().map(p -> ROUTE_WORDS.contains(p) ? p : "*").toList());
        return switch (route) {
            case "GET users/@me" -> Reply.json(200, Payloads.selfUser(bot));
            case "GET gateway" -> Reply.json(200, Payloads.MAPPER.createObjectNode().put("url", gatewayUrl.get()));
            case "GET gateway/bot" -> Reply.json(200, gatewayBot());
            case "POST users/@me/channels" -> openDm(bot, body);
            case "POST channels/*/messages" -> createMessage(bot, s.get(1), body);
            case "PATCH channels/*/messages/*" -> editMessage(s.get(1), s.get(3), body);
            case "DELETE channels/*/messages/*" -> deleteMessage(s.get(1), s.get(3));
            case "PUT channels/*/messages/*/reactions/*/@me", "DELETE channels/*/messages/*/reactions/*/@me" ->
                    react(s.get(1), s.get(3));
            default -> notFound();
        };
    }

    private Reply interactionRoute(String method, List<String> s, String body, SimWorld.Interaction interaction) {
        if (method.equals("POST") && s.size() == 4 && s.get(0).equals("interactions") && s.get(3).equals("callback")) {
            if (!interaction.acknowledged.compareAndSet(false, true)) {
                return Reply.error(400, 40060, "Interaction has already been acknowledged.");
            }
            return Reply.noContent();
        }
        if (s.get(0).equals("webhooks") && s.get(1).equals(interaction.bot.applicationId())) {
            if (method.equals("POST") && s.size() == 3) {
                return newMessage(interaction.bot, interaction.channel, parseObject(body));
            }
            if (method.equals("PATCH") && s.size() == 5 && s.get(3).equals("messages")) {
                return s.get(4).equals("@original") && interaction.originalMessageId == null
                        ? newOriginal(interaction, body)
                        : editMessage(interaction.channel.id(),
                                s.get(4).equals("@original") ? interaction.originalMessageId : s.get(4), body);
            }
        }
        return notFound();
    }

    private Reply newOriginal(SimWorld.Interaction interaction, String body) {
        Reply reply = newMessage(interaction.bot, interaction.channel, parseObject(body));
        if (reply.status() == 200) {
            interaction.originalMessageId = reply.body().get("id").asText();
        }
        return reply;
    }

    private JsonNode gatewayBot() {
        ObjectNode node = Payloads.MAPPER.createObjectNode();
        node.put("url", gatewayUrl.get());
        node.put("shards", 1);
        node.putObject("session_start_limit")
                .put("total", 1000).put("remaining", 1000).put("reset_after", 0).put("max_concurrency", 1);
        return node;
    }

    private Reply openDm(SimBot bot, String body) {
        String recipientId = parseObject(body).path("recipient_id").asText("");
        return context.world().user(recipientId)
                .map(user -> Reply.json(200, Payloads.dmChannel(context.world().dmChannel(bot, user), user)))
                .orElseGet(() -> Reply.error(400, 50033, "Invalid Recipient(s)"));
    }

    private Reply createMessage(SimBot bot, String channelId, String body) {
        Optional<SimChannel> channel = context.world().channel(channelId);
        if (channel.isEmpty()) {
            return Reply.error(404, 10003, "Unknown Channel");
        }
        return newMessage(bot, channel.get(), parseObject(body));
    }

    /** A message authored by the bot, as Discord returns it; replies carry the referenced message. */
    private Reply newMessage(SimBot bot, SimChannel channel, JsonNode request) {
        ObjectNode message = Payloads.message(
                context.world().nextId(), channel, bot.asUser(), request.path("content").asText(""), List.of());
        message.remove("member");
        copyIfPresent(request, message, "embeds");
        copyIfPresent(request, message, "components");
        copyIfPresent(request, message, "nonce");
        JsonNode reference = request.get("message_reference");
        if (reference != null && reference.hasNonNull("message_id")) {
            String referencedId = reference.get("message_id").asText();
            Optional<ObjectNode> referenced = context.world().message(referencedId);
            if (referenced.isEmpty() && reference.path("fail_if_not_exists").asBoolean(true)) {
                return Reply.error(400, 50035, "Invalid Form Body: Unknown message");
            }
            message.put("type", Payloads.MESSAGE_TYPE_REPLY);
            ObjectNode ref = message.putObject("message_reference");
            ref.put("type", 0).put("message_id", referencedId).put("channel_id", channel.id());
            if (channel.isGuildChannel()) {
                ref.put("guild_id", channel.guildId());
            }
            message.set("referenced_message", referenced.map(JsonNode.class::cast).orElse(null));
        }
        context.world().putMessage(message);
        return Reply.json(200, message);
    }

    /**
     * {@code GET /channels/{id}/messages}: with {@code after}, the {@code limit} (1 to 100, default 50)
     * messages right after that id; with {@code before}, those right before it; else the newest. Always
     * newest first, as Discord answers.
     */
    private Reply history(String channelId, String query) {
        if (context.world().channel(channelId).isEmpty()) {
            return Reply.error(404, 10003, "Unknown Channel");
        }
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        long after;
        long before;
        int limit;
        try {
            after = q.containsKey("after") ? Long.parseLong(q.get("after")) : -1;
            before = q.containsKey("before") ? Long.parseLong(q.get("before")) : Long.MAX_VALUE;
            limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : 50;
        } catch (NumberFormatException e) {
            return Reply.error(400, 50035, "Invalid Form Body");
        }
        if (limit < 1 || limit > 100) {
            return Reply.error(400, 50035, "Invalid Form Body: limit must be between 1 and 100");
        }
        List<ObjectNode> inRange = new ArrayList<>(context.world().messagesIn(channelId).stream()
                .filter(m -> m.get("id").asLong() > after && m.get("id").asLong() < before).toList());
        inRange.sort(java.util.Comparator.comparingLong(m -> m.get("id").asLong()));
        List<ObjectNode> page = after >= 0 ? inRange.subList(0, Math.min(limit, inRange.size()))
                : inRange.subList(Math.max(0, inRange.size() - limit), inRange.size());
        com.fasterxml.jackson.databind.node.ArrayNode out = Payloads.MAPPER.createArrayNode();
        for (int i = page.size() - 1; i >= 0; i--) {
            out.add(page.get(i));
        }
        return Reply.json(200, out);
    }

    private Reply editMessage(String channelId, String messageId, String body) {
        JsonNode request = parseObject(body);
        return context.world().message(messageId)
                .filter(m -> m.path("channel_id").asText().equals(channelId))
                .flatMap(m -> context.world().editMessage(messageId, edited -> {
                    copyIfPresent(request, edited, "content");
                    copyIfPresent(request, edited, "embeds");
                    copyIfPresent(request, edited, "components");
                    edited.put("edited_timestamp", Payloads.timestamp());
                    return edited;
                }))
                .map(edited -> Reply.json(200, edited))
                .orElseGet(() -> Reply.error(404, 10008, "Unknown Message"));
    }

    private Reply deleteMessage(String channelId, String messageId) {
        boolean inChannel = context.world().message(messageId)
                .filter(m -> m.path("channel_id").asText().equals(channelId))
                .isPresent();
        return inChannel && context.world().deleteMessage(messageId)
                ? Reply.noContent()
                : Reply.error(404, 10008, "Unknown Message");
    }

    private Reply react(String channelId, String messageId) {
        return context.world().message(messageId)
                .filter(m -> m.path("channel_id").asText().equals(channelId))
                .map(m -> Reply.noContent())
                .orElseGet(() -> Reply.error(404, 10008, "Unknown Message"));
    }

    private Reply rateLimited(String method, List<String> s, Duration retryAfter) {
        double seconds = retryAfter.toMillis() / 1000.0;
        Map<String, String> headers = new LinkedHashMap<>(bucketHeaders(method, s, 5, 0, retryAfter));
        headers.put("Retry-After", Long.toString((long) Math.ceil(seconds)));
        headers.put("X-RateLimit-Scope", "user");
        ObjectNode body = Payloads.MAPPER.createObjectNode()
                .put("message", "You are being rate limited.")
                .put("retry_after", seconds)
                .put("global", false);
        return new Reply(429, body, headers);
    }

    private static Map<String, String> bucketHeaders(
            String method, List<String> s, int limit, int remaining, Duration resetAfter) {
        String template = method + " " + String.join("/", s.stream().map(p -> ROUTE_WORDS.contains(p) ? p : "*").toList());
        double resetAfterSeconds = resetAfter.toMillis() / 1000.0;
        double resetAt = (System.currentTimeMillis() + resetAfter.toMillis()) / 1000.0;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-RateLimit-Limit", Integer.toString(limit));
        headers.put("X-RateLimit-Remaining", Integer.toString(remaining));
        headers.put("X-RateLimit-Reset", String.format(Locale.ROOT, "%.3f", resetAt));
        headers.put("X-RateLimit-Reset-After", String.format(Locale.ROOT, "%.3f", resetAfterSeconds));
        headers.put("X-RateLimit-Bucket", Integer.toHexString(template.hashCode()));
        return headers;
    }

    private static Reply notFound() {
        return Reply.error(404, 0, "404: Not Found");
    }

    private static JsonNode parseObject(String body) {
        if (body.isBlank()) {
            return Payloads.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Payloads.MAPPER.readTree(body);
            return node.isObject() ? node : Payloads.MAPPER.createObjectNode();
        } catch (IOException e) {
            LOG.warn("discord-sim rest: request body is not JSON (multipart uploads are not simulated)");
            return Payloads.MAPPER.createObjectNode();
        }
    }

    private static void copyIfPresent(JsonNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field));
        }
    }

    private static List<String> decodeSegments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private void record(String method, String rawPath, List<String> segments, String query, SimBot bot, int status,
            String body) {
        String path = rawPath.startsWith(API_PREFIX)
                ? API_PREFIX + String.join("/", segments)
                : URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        RestCall call = new RestCall(Instant.now(), method, path, query, bot == null ? null : bot.userId(), status, body);
        context.restCalls().add(call);
        context.globalStats().restRequest(status == 429);
        if (bot != null) {
            bot.recordRestCall(call);
            bot.counters().restRequest(status == 429);
        }
        LOG.debug("discord-sim rest: {} {} -> {}", method, path, status);
    }

    private static void respond(HttpExchange exchange, Reply reply) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Via", "1.1 google"); // JDA treats a 429 without Via as a Cloudflare ban
        reply.headers().forEach(headers::set);
        if (reply.body() == null) {
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        byte[] bytes = Payloads.write(reply.body()).getBytes(StandardCharsets.UTF_8);
        headers.set("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
