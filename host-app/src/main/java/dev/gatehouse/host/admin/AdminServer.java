package dev.gatehouse.host.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.logging.Secrets;
import dev.gatehouse.host.reload.ReloadResult;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.supervisor.Supervisor.ReconnectResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API on the JDK's {@link HttpServer}: health probes, Prometheus metrics, status and
 * operator actions. With {@code admin.token} set, every endpoint except {@code /livez} and
 * {@code /readyz} (which reveal nothing secret and are what kubelet and load balancers call without
 * credentials) needs {@code Authorization: Bearer <token>}. Errors are JSON with a 4xx/5xx status;
 * no response ever contains a secret.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final Pattern CONNECTION = Pattern.compile("/connections/([^/]+)/([^/]+)/(reconnect|enable|disable)");
    private static final Pattern PLUGIN = Pattern.compile("/plugins/([^/]+)/reload");

    private final GatewayHost host;
    private final Optional<byte[]> token;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(2, DaemonThreads.factory("gatehouse-admin"));

    public AdminServer(GatewayHost host, String bindHost, int port, Optional<String> token) throws IOException {
        this.host = host;
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress(bindHost, port), 32);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
        log.info("admin API listening on http://{}:{}/{}", bindHost, port(), token.isPresent() ? " (bearer token required)" : "");
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (!path.equals("/livez") && !path.equals("/readyz") && !authorized(ex)) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                error(ex, 401, "missing or wrong bearer token: send 'Authorization: Bearer <admin.token>'");
                return;
            }
            switch (path) {
                case "/livez" -> get(ex, method, () -> livez(ex));
                case "/readyz" -> get(ex, method, () -> readyz(ex));
                case "/metrics" -> get(ex, method, () -> text(ex, 200, host.scrapeMetrics()));
                case "/status" -> get(ex, method, () -> json(ex, 200, StatusJson.status(host.status())));
                default -> route(ex, path, method);
            }
        } catch (RuntimeException e) {
            log.error("admin request {} failed: {}", ex.getRequestURI().getPath(), e.toString(), e);
            error(ex, 500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private interface Action {
        void run() throws IOException;
    }

    private void get(HttpExchange ex, String method, Action a) throws IOException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().add("Allow", "GET");
            error(ex, 405, method + " is not allowed here; use GET");
            return;
        }
        a.run();
    }

    private void route(HttpExchange ex, String path, String method) throws IOException {
        Matcher c = CONNECTION.matcher(path);
        Matcher p = PLUGIN.matcher(path);
        if (!c.matches() && !p.matches()) {
            error(ex, 404, "no such endpoint: " + path + "; see GET /status, /livez, /readyz, /metrics,"
                    + " POST /connections/{workspace}/{platform}/reconnect|enable|disable, POST /plugins/{id}/reload");
            return;
        }
        if (!method.equals("POST")) {
            ex.getResponseHeaders().add("Allow", "POST");
            error(ex, 405, method + " is not allowed here; use POST");
            return;
        }
        if (c.matches()) {
            connection(ex, c.group(1), c.group(2), c.group(3));
        } else {
            reload(ex, p.group(1), query(ex.getRequestURI(), "force"));
        }
    }

    private void connection(HttpExchange ex, String ws, String platform, String action) throws IOException {
        boolean known = host.status().connections().stream()
                .anyMatch(s -> s.workspace().equals(ws) && s.platform().equals(platform));
        if (!known) {
            error(ex, 404, "no connection " + platform + "/" + ws + " is configured");
            return;
        }
        ObjectNode body = StatusJson.MAPPER.createObjectNode().put("workspace", ws).put("platform", platform);
        switch (action) {
            case "reconnect" -> {
                ReconnectResult r = wait(host.reconnect(ws, platform).toCompletableFuture(), 10);
                body.put("result", r.name()).put("message", r.message);
                int code = switch (r) {
                    case STARTED -> 202;
                    case ALREADY_IN_PROGRESS -> 409;
                    case NETWORK_DOWN -> 503;
                    case NOT_RUNNING -> 409;
                };
                json(ex, code, body);
            }
            case "enable" -> {
                host.enable(ws, platform);
                json(ex, 200, body.put("result", "ENABLED"));
            }
            case "disable" -> {
                wait(host.disable(ws, platform).toCompletableFuture(), 60);
                json(ex, 200, body.put("result", "DISABLED"));
            }
            default -> error(ex, 404, "unknown action " + action);
        }
    }

    private void reload(HttpExchange ex, String id, boolean force) throws IOException {
        boolean known = host.status().plugins().stream().anyMatch(s -> s.id().equals(id) && "STARTED".equals(s.state()));
        if (!known) {
            error(ex, 404, "no started plugin has id '" + id + "'");
            return;
        }
        ReloadResult r = wait(host.reloadPlugin(id, force).toCompletableFuture(), 300);
        int code = r.outcome() == ReloadResult.Outcome.SWAPPED ? 200 : 422;
        json(ex, code, StatusJson.reload(r));
    }

    private void livez(HttpExchange ex) throws IOException {
        boolean live = host.isLive();
        ObjectNode body = StatusJson.MAPPER.createObjectNode().put("live", live);
        if (!live) {
            ArrayNode reasons = body.putArray("withheldBecause");
            Optional.ofNullable(host.status().heartbeat()).ifPresent(h -> h.withheldBecause().forEach(reasons::add));
        }
        json(ex, live ? 200 : 503, body);
    }

    private void readyz(HttpExchange ex) throws IOException {
        List<ConnectionStatus> waiting = host.notReady();
        ObjectNode body = StatusJson.MAPPER.createObjectNode().put("ready", waiting.isEmpty() && host.isReady());
        ArrayNode list = body.putArray("notReady");
        waiting.forEach(s -> list.addObject().put("workspace", s.workspace()).put("platform", s.platform())
                .put("state", s.state().name()).put("lastError", s.lastError()));
        json(ex, body.get("ready").asBoolean() ? 200 : 503, body);
    }

    private boolean authorized(HttpExchange ex) {
        if (token.isEmpty()) {
            return true;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token.get(), h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean query(URI uri, String flag) {
        String q = uri.getRawQuery();
        return q != null && List.of(q.split("&")).stream().anyMatch(kv -> kv.equals(flag) || kv.equals(flag + "=true"));
    }

    private static <T> T wait(java.util.concurrent.CompletableFuture<T> f, int seconds) {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("operation did not complete within " + seconds + " s", e);
        }
    }

    private static void json(HttpExchange ex, int code, JsonNode body) throws IOException {
        send(ex, code, "application/json", Secrets.redact(StatusJson.MAPPER.writeValueAsString(body)));
    }

    private static void text(HttpExchange ex, int code, String body) throws IOException {
        send(ex, code, "text/plain; version=0.0.4; charset=utf-8", body);
    }

    private static void error(HttpExchange ex, int code, String message) throws IOException {
        json(ex, code, StatusJson.MAPPER.createObjectNode().put("error", message).put("status", code));
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
