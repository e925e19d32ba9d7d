package dev.gatehouse.host.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.reload.ReloadResult;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.supervisor.ReconnectResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API: health probes, Prometheus metrics, status and operator actions, behind the
 * {@link AccessRules} (Host, Origin, bearer token). Errors are JSON with a 4xx/5xx status; no answer
 * ever contains a secret.
 *
 * <p>Threads: {@link HttpFront} reads and writes every connection on one selector thread, so a client
 * that stalls holds none. The probes ({@code /livez}, {@code /readyz}, {@code /metrics}) run on their
 * own small pool; everything else on the command pool, where a command only starts the host's
 * operation and its answer is sent when the operation's future completes, so a reload or disable that
 * takes minutes holds no thread meanwhile. Both pools have bounded queues: when full, 503.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final Pattern CONNECTION = Pattern.compile("/connections/([^/]+)/([^/]+)/(reconnect|enable|disable|move|unpin)");
    private static final Pattern PLUGIN = Pattern.compile("/plugins/([^/]+)/reload");

    private final HostControl host;
    private final AccessRules access;
    private final ThreadPoolExecutor probes = pool("gatehouse-admin-probe", 32);
    private final ThreadPoolExecutor commands = pool("gatehouse-admin-command", 16);
    private final HttpFront front;

    public AdminServer(HostControl host, String bindHost, int port, Optional<String> token) throws IOException {
        this(host, bindHost, port, token, HttpFront.Limits.DEFAULTS);
    }

    AdminServer(HostControl host, String bindHost, int port, Optional<String> token, HttpFront.Limits limits) throws IOException {
        this.host = host;
        this.access = new AccessRules(bindHost, token);
        try {
            this.front = new HttpFront(new InetSocketAddress(bindHost, port), limits, this::handle);
        } catch (IOException | RuntimeException e) {
            probes.shutdownNow();
            commands.shutdownNow();
            throw e;
        }
        log.info("admin API listening on http://{}:{}/{}", bindHost, port(), token.isPresent() ? " (bearer token required)" : "");
    }

    private static ThreadPoolExecutor pool(String name, int queue) {
        return new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), DaemonThreads.factory(name));
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return front.port();
    }

    /** On the front's selector thread: checks access, then hands the request to its pool. */
    private void handle(AdminRequest req, Consumer<AdminResponse> reply) {
        String path = req.path();
        Optional<AdminResponse> refused = access.refusal(req, path.equals("/livez") || path.equals("/readyz"));
        if (refused.isPresent()) {
            log.debug("admin {} {} refused: {}", req.method(), path, refused.get().status());
            reply.accept(refused.get());
            return;
        }
        boolean probe = path.equals("/livez") || path.equals("/readyz") || path.equals("/metrics");
        ThreadPoolExecutor pool = probe ? probes : commands;
        try {
            pool.execute(() -> respond(req).whenComplete((r, e) -> reply.accept(e == null ? r : failure(req, e))));
        } catch (RejectedExecutionException e) {
            reply.accept(AdminResponse.error(503, "busy: " + pool.getQueue().size() + " requests are waiting; retry shortly")
                    .withHeader("Retry-After", "1"));
        }
    }

    private CompletionStage<AdminResponse> respond(AdminRequest req) {
        try {
            return switch (req.path()) {
                case "/livez" -> get(req, this::livez);
                case "/readyz" -> get(req, this::readyz);
                case "/metrics" -> get(req, () -> AdminResponse.text(200, host.scrapeMetrics()));
                case "/status" -> get(req, () -> AdminResponse.json(200, StatusJson.status(host.status())));
                default -> route(req);
            };
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletionStage<AdminResponse> get(AdminRequest req, Supplier<AdminResponse> answer) {
        if (!req.method().equals("GET") && !req.method().equals("HEAD")) {
            return done(AdminResponse.error(405, req.method() + " is not allowed here; use GET").withHeader("Allow", "GET"));
        }
        return done(answer.get());
    }

    private CompletionStage<AdminResponse> route(AdminRequest req) {
        Matcher c = CONNECTION.matcher(req.path());
        Matcher p = PLUGIN.matcher(req.path());
        if (!c.matches() && !p.matches()) {
            return done(AdminResponse.error(404, "no such endpoint: " + req.path() + "; see GET /status, /livez, /readyz, /metrics,"
                    + " POST /connections/{workspace}/{platform}/reconnect|enable|disable|move?to=HOST|unpin,"
                    + " POST /plugins/{id}/reload"));
        }
        if (!req.method().equals("POST")) {
            return done(AdminResponse.error(405, req.method() + " is not allowed here; use POST").withHeader("Allow", "POST"));
        }
        return c.matches() ? connection(c.group(1), c.group(2), c.group(3), req.rawQuery()) : reload(p.group(1), forced(req.rawQuery()));
    }

    private CompletionStage<AdminResponse> connection(String ws, String platform, String action, String rawQuery) {
        boolean known = host.status().connections().stream()
                .anyMatch(s -> s.workspace().equals(ws) && s.platform().equals(platform));
        if (!known) {
            return done(AdminResponse.error(404, "no connection " + platform + "/" + ws + " is configured"));
        }
        ObjectNode body = StatusJson.MAPPER.createObjectNode().put("workspace", ws).put("platform", platform);
        String what = action + " of " + platform + "/" + ws;
        return switch (action) {
            case "reconnect" -> within(host.reconnect(ws, platform), 10, what, (ReconnectResult r) -> {
                body.put("result", r.name()).put("message", r.message);
                int code = switch (r) {
                    case STARTED -> 202;
                    case ALREADY_IN_PROGRESS, NOT_RUNNING -> 409;
                    case NETWORK_DOWN -> 503;
                };
                return AdminResponse.json(code, body);
            });
            case "enable" -> {
                host.enable(ws, platform);
                yield done(AdminResponse.json(200, body.put("result", "ENABLED")));
            }
            case "disable" -> within(host.disable(ws, platform), 60, what, closed -> AdminResponse.json(200, body.put("result", "DISABLED")));
            case "move" -> {
                String to = param(rawQuery, "to");
                if (to == null || to.isEmpty()) {
                    yield done(AdminResponse.error(400, "name the host to move " + platform + "/" + ws + " to: ?to=HOST"
                            + " (POST .../unpin lets the cluster place it again)"));
                }
                yield clusterChange(host.move(ws, platform, to), what, body.put("result", "MOVING").put("to", to));
            }
            case "unpin" -> clusterChange(host.move(ws, platform, null), what, body.put("result", "UNPINNED"));
            default -> done(AdminResponse.error(404, "unknown action " + action));
        };
    }

    /** 202 once the cluster recorded the change (the hand-over follows: see GET /status); 400/409 with the reason. */
    private static CompletionStage<AdminResponse> clusterChange(CompletionStage<Void> op, String what, ObjectNode body) {
        return within(op.handle((v, e) -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof IllegalArgumentException) {
                return AdminResponse.error(400, cause.getMessage());
            }
            if (cause instanceof IllegalStateException) {
                return AdminResponse.error(409, cause.getMessage());
            }
            if (cause != null) {
                throw new CompletionException(cause);
            }
            return AdminResponse.json(202, body);
        }), 15, what, r -> r);
    }

    /** A query parameter's value (URL-decoded), or null. */
    static String param(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String p : rawQuery.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).equals(name)) {
                try {
                    return java.net.URLDecoder.decode(p.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException badEscape) {
                    return null;
                }
            }
        }
        return null;
    }

    /** {@code ?force=true} (or a bare {@code ?force}) among the query's parameters. */
    static boolean forced(String rawQuery) {
        if (rawQuery == null) {
            return false;
        }
        for (String param : rawQuery.split("&")) {
            if (param.equals("force") || param.equalsIgnoreCase("force=true") || param.equals("force=1")) {
                return true;
            }
        }
        return false;
    }

    private CompletionStage<AdminResponse> reload(String id, boolean force) {
        boolean known = host.status().plugins().stream().anyMatch(s -> s.id().equals(id) && "STARTED".equals(s.state()));
        if (!known) {
            return done(AdminResponse.error(404, "no started plugin has id '" + id + "'"));
        }
        return within(host.reloadPlugin(id, force), 300, "reload of plugin " + id,
                r -> AdminResponse.json(r.outcome() == ReloadResult.Outcome.SWAPPED ? 200 : 422, StatusJson.reload(r)));
    }

    private AdminResponse livez() {
        List<String> problems = host.livenessProblems();
        ObjectNode body = StatusJson.MAPPER.createObjectNode().put("live", problems.isEmpty());
        problems.forEach(body.putArray("problems")::add);
        ArrayNode withheld = body.putArray("heartbeatWithheldBecause");
        Optional.ofNullable(host.status().heartbeat()).ifPresent(h -> h.withheldBecause().forEach(withheld::add));
        return AdminResponse.json(problems.isEmpty() ? 200 : 503, body);
    }

    private AdminResponse readyz() {
        List<ConnectionStatus> waiting = host.notReady();
        boolean ready = waiting.isEmpty() && host.isReady();
        ObjectNode body = StatusJson.MAPPER.createObjectNode().put("ready", ready);
        Optional.ofNullable(host.status().cluster()).map(c -> c.fenced()).ifPresent(f -> body.put("clusterFenced", f));
        ArrayNode list = body.putArray("notReady");
        waiting.forEach(s -> list.addObject().put("workspace", s.workspace()).put("platform", s.platform())
                .put("state", s.state().name()).put("lastError", s.lastError()));
        return AdminResponse.json(ready ? 200 : 503, body);
    }

    /**
     * The answer once {@code op} completes, or 504 after {@code seconds}. The timeout applies to a copy:
     * the host's own future is never completed from here.
     */
    private static <T> CompletionStage<AdminResponse> within(CompletionStage<T> op, int seconds, String what,
            Function<T, AdminResponse> answer) {
        return op.toCompletableFuture().copy().orTimeout(seconds, TimeUnit.SECONDS).handle((v, e) -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof TimeoutException) {
                return AdminResponse.error(504, what + " did not complete within " + seconds
                        + " s; it goes on in the background: see GET /status");
            }
            if (cause != null) {
                throw new CompletionException(cause);
            }
            return answer.apply(v);
        });
    }

    private static AdminResponse failure(AdminRequest req, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        log.error("admin request {} {} failed: {}", req.method(), req.path(), cause.toString(), cause);
        return AdminResponse.error(500, "internal error: " + cause.getClass().getSimpleName());
    }

    private static CompletionStage<AdminResponse> done(AdminResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    @Override
    public void close() {
        front.close();
        probes.shutdownNow();
        commands.shutdownNow();
    }
}
