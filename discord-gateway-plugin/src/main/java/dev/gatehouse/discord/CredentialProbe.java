package dev.gatehouse.discord;

import dev.gatehouse.api.CredentialCheck;
import dev.gatehouse.api.GatewayExecutors;
import dev.gatehouse.api.Durations;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dv8tion.jda.api.JDAInfo;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Asks Discord whether a bot token is accepted: {@code GET <apiUrl>users/@me} with {@code Authorization:
 * Bot <token>}, the identity call JDA itself makes first when it logs in. It is a plain synchronous call
 * on a client of {@link RestHttpClient}'s kind (native read bound, no Okio watchdog), released after the
 * answer, so no JDA instance, gateway socket or rate-limit state is created.
 */
final class CredentialProbe {

    private static final Pattern FIELD = Pattern.compile("\"(id|username)\"\\s*:\\s*\"([^\"]*)\"");

    private final DiscordSettings settings;
    private final String path;

    CredentialProbe(DiscordSettings settings, String path) {
        this.settings = settings;
        this.path = path;
    }

    /** Connect and every read end by one deadline, {@code timeout} from now, so the check never outlasts it. */
    CredentialCheck check(GatewayExecutors executors, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String url = settings.apiUrl() + "users/@me";
        ExecutorService unused = executors.newExecutor("credential-check", 1); // OkHttp's dispatcher needs one; sync calls never use it
        OkHttpClient client = RestHttpClient.create(timeout, unused, deadline);
        Request request = new Request.Builder().url(url).header("Authorization", "Bot " + settings.token())
                .header("User-Agent", "DiscordBot (" + JDAInfo.GITHUB + ", " + JDAInfo.VERSION + ")")
                .header("Connection", "close").get().build();
        try (Response r = client.newCall(request).execute()) {
            String body = r.body() == null ? "" : r.body().string();
            return answer(r.code(), body, url);
        } catch (SocketTimeoutException e) {
            return CredentialCheck.failed("no answer from Discord at " + url + " within " + Durations.format(timeout),
                    "check the network and any proxy, and " + path + "." + DiscordSettings.API_URL);
        } catch (IOException e) {
            return CredentialCheck.failed("could not reach Discord at " + url + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")",
                    "check the network and any proxy, and " + path + "." + DiscordSettings.API_URL);
        } finally {
            RestHttpClient.release(client);
            unused.shutdownNow();
        }
    }

    private CredentialCheck answer(int status, String body, String url) {
        String tokenKey = path + "." + DiscordSettings.TOKEN;
        return switch (status) {
            case 200 -> CredentialCheck.ok("bot user " + field(body, "username") + " (id " + field(body, "id") + ")");
            case 401 -> CredentialCheck.failed("Discord answered GET /users/@me with HTTP 401 Unauthorized for " + tokenKey
                    + ": the token is wrong, was reset, or the bot was deleted",
                    "copy the current token from the Discord developer portal (your application, Bot, Reset Token)"
                    + " into " + tokenKey);
            case 403 -> CredentialCheck.failed("Discord answered GET /users/@me with HTTP 403 Forbidden for " + tokenKey,
                    "check that " + tokenKey + " is a bot token, not a user or OAuth2 token");
            case 429 -> CredentialCheck.failed("Discord rate-limited GET /users/@me (HTTP 429)", "try again in a minute");
            default -> CredentialCheck.failed("Discord answered GET " + url + " with HTTP " + status,
                    status >= 500 ? "Discord has a problem: try again later"
                            : "check " + path + "." + DiscordSettings.API_URL + " (it must be the REST base, e.g. "
                            + DiscordSettings.DEFAULT_API_URL + ")");
        };
    }

    private static String field(String json, String name) {
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        return "?";
    }
}
