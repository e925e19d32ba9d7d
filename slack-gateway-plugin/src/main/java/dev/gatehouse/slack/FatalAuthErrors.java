package dev.gatehouse.slack;

import java.util.Set;

/**
 * Slack error codes that retrying cannot fix, on the two calls that decide whether a connection can
 * exist at all ({@code auth.test} and {@code apps.connections.open}), and the operator-facing message
 * for each. Messages name the setting, never its value.
 */
final class FatalAuthErrors {

    /** Which credential a call presented. */
    enum TokenKind { APP, BOT }

    static final Set<String> WATCHED_METHODS = Set.of("auth.test", "apps.connections.open");

    /**
     * The codes of the issue ({@code invalid_auth}, {@code token_revoked}, {@code account_inactive},
     * {@code not_authed}) plus those that equally need a new or different token: an expired rotating
     * token, the wrong kind of token, a token without {@code connections:write}.
     */
    private static final Set<String> FATAL = Set.of("invalid_auth", "token_revoked", "account_inactive", "not_authed",
            "token_expired", "not_allowed_token_type", "missing_scope");

    private FatalAuthErrors() {
    }

    static boolean isFatal(String method, String error) {
        return error != null && WATCHED_METHODS.contains(method) && FATAL.contains(error);
    }

    /**
     * What to tell the operator.
     *
     * @param settingsPath e.g. {@code workspaces.acme.slack}
     */
    static String message(String settingsPath, String method, TokenKind kind, String error) {
        return problem(settingsPath, method, kind, error) + "; " + fix(settingsPath, kind);
    }

    /** What is wrong: the method, Slack's error code, the setting (never its value) and what the code means. */
    static String problem(String settingsPath, String method, TokenKind kind, String error) {
        String why = switch (error) {
            case "account_inactive" -> "the workspace or the bot user is deactivated";
            case "not_allowed_token_type" -> "this is the wrong kind of token for " + method;
            case "missing_scope" -> "the token lacks a required scope";
            case "token_expired" -> "the token expired";
            default -> "the token is not valid";
        };
        return "Slack answered " + method + " with '" + error + "' for " + settingsPath + "." + key(kind) + ": " + why;
    }

    /** How to get a working token of this kind into the setting. */
    static String fix(String settingsPath, TokenKind kind) {
        return switch (kind) {
            case APP -> "create a new app-level token with the connections:write scope (app settings > Basic"
                    + " Information > App-Level Tokens), make sure Socket Mode is enabled, and put the token in "
                    + settingsPath + "." + key(kind);
            case BOT -> "reinstall the app to the workspace and put its Bot User OAuth Token (xoxb-...) in "
                    + settingsPath + "." + key(kind);
        };
    }

    private static String key(TokenKind kind) {
        return kind == TokenKind.APP ? SlackSettings.APP_TOKEN : SlackSettings.BOT_TOKEN;
    }
}
