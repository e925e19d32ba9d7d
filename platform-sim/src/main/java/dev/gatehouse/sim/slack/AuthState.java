package dev.gatehouse.sim.slack;

/** Whether an app's tokens are accepted; set with {@link SlackSimulator#setAuthState}. */
public enum AuthState {
    /** Tokens work. */
    VALID(null),
    /** Every call with either token gets {@code {"ok":false,"error":"invalid_auth"}}. */
    INVALID_AUTH("invalid_auth"),
    /** Every call with either token gets {@code {"ok":false,"error":"token_revoked"}}. */
    TOKEN_REVOKED("token_revoked");

    private final String error;

    AuthState(String error) {
        this.error = error;
    }

    /** The Slack error code returned while in this state, or {@code null} for {@link #VALID}. */
    public String error() {
        return error;
    }
}
