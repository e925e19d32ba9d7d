package dev.gatehouse.slack;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gatehouse.slack.FatalAuthErrors.TokenKind;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Sees every Web API call of one connection, including those the SDK makes on its own threads while
 * it reconnects. It turns a fatal auth error on {@code auth.test} or {@code apps.connections.open}
 * into one report, remembers each method's last failure for error messages, and refuses new calls
 * once the connection is closing, so a reconnect racing {@code close()} cannot obtain a fresh
 * WebSocket URL.
 */
final class ApiWatch implements Interceptor {

    private static final long MAX_PEEK = 64 * 1024;

    private final String settingsPath;
    private final Consumer<String> onFatal;
    /** Method → description of its last failed answer; cleared by a success. */
    private final Map<String, String> lastFailure = new ConcurrentHashMap<>();
    private volatile String closingSubject;

    /**
     * @param settingsPath e.g. {@code workspaces.acme.slack}, for messages
     * @param onFatal receives the operator message of a fatal auth error (at most once per call)
     */
    ApiWatch(String settingsPath, Consumer<String> onFatal) {
        this.settingsPath = settingsPath;
        this.onFatal = onFatal;
    }

    /** From now on every call fails at once. */
    void refuseCalls(String subject) {
        closingSubject = subject;
    }

    /** The last failure of a method, e.g. {@code "HTTP 500 (fatal_error)"}, or {@code null}. */
    String lastFailure(String method) {
        return lastFailure.get(method);
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        String closing = closingSubject;
        if (closing != null) {
            throw new IOException(closing + " is closed; not calling " + method(request));
        }
        Response response = chain.proceed(request);
        String method = method(request);
        String error = errorCode(response);
        if (response.isSuccessful() && error == null) {
            lastFailure.remove(method);
        } else {
            String status = response.isSuccessful() ? "" : "HTTP " + response.code();
            String code = error == null ? "" : "'" + error + "'";
            lastFailure.put(method, (status + " " + code).trim());
        }
        if (FatalAuthErrors.isFatal(method, error)) {
            onFatal.accept(FatalAuthErrors.message(settingsPath, method, tokenKind(request, method), error));
        }
        return response;
    }

    static String method(Request request) {
        List<String> segments = request.url().pathSegments();
        return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
    }

    /** Only the prefix of the presented token is looked at; the token itself is never kept. */
    private static TokenKind tokenKind(Request request, String method) {
        String auth = request.header("Authorization");
        if (auth != null && auth.startsWith("Bearer xapp-")) {
            return TokenKind.APP;
        }
        if (auth != null && auth.startsWith("Bearer xoxb-")) {
            return TokenKind.BOT;
        }
        return method.equals("apps.connections.open") ? TokenKind.APP : TokenKind.BOT;
    }

    private static String errorCode(Response response) {
        try {
            JsonElement body = JsonParser.parseString(response.peekBody(MAX_PEEK).string());
            if (!body.isJsonObject()) {
                return null;
            }
            JsonObject o = body.getAsJsonObject();
            boolean ok = o.has("ok") && o.get("ok").isJsonPrimitive() && o.get("ok").getAsBoolean();
            return ok || !o.has("error") || !o.get("error").isJsonPrimitive() ? null : o.get("error").getAsString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
