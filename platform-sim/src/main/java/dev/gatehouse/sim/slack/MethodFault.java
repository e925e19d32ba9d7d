package dev.gatehouse.sim.slack;

/**
 * The closed menu of Web API failures, armed per app and method with {@link SlackSimulator#failMethod}
 * (for example on {@code apps.connections.open} or {@code chat.postMessage}).
 */
public sealed interface MethodFault {

    /**
     * An HTTP error status with body {@code {"ok":false,"error":"fatal_error"}}.
     *
     * @param status the HTTP status, e.g. 500 or 503
     */
    record HttpError(int status) implements MethodFault {
    }

    /**
     * HTTP 429 with a {@code Retry-After} header and body {@code {"ok":false,"error":"ratelimited"}}.
     *
     * @param retryAfterSeconds the {@code Retry-After} value
     */
    record RateLimited(int retryAfterSeconds) implements MethodFault {
    }

    /**
     * HTTP 200 with {@code {"ok":false,"error":<error>}}.
     *
     * @param error the Slack error code, e.g. {@code internal_error} or {@code invalid_auth}
     */
    record ErrorReply(String error) implements MethodFault {
    }

    /** HTTP 500, {@code fatal_error}. */
    static MethodFault serverError() {
        return new HttpError(500);
    }

    /** HTTP 429 with {@code Retry-After: retryAfterSeconds}. */
    static MethodFault rateLimited(int retryAfterSeconds) {
        return new RateLimited(retryAfterSeconds);
    }

    /** HTTP 200 {@code ok:false} with the given error code. */
    static MethodFault errorReply(String error) {
        return new ErrorReply(error);
    }

    /** HTTP 200 {@code ok:false, error:invalid_auth} for this method only. */
    static MethodFault invalidAuth() {
        return new ErrorReply("invalid_auth");
    }
}
