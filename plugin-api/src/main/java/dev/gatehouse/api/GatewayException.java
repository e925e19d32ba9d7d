package dev.gatehouse.api;

/**
 * An outbound operation failed. The message must name what failed and must not contain secrets.
 */
public class GatewayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Whether the same request may succeed if sent again later; part of the serialized form. */
    private final boolean retryable;

    /**
     * Creates an exception.
     *
     * @param message what failed, without secrets
     * @param retryable whether the same request may succeed if sent again later (for example a network
     *     error or a rate limit that outlasted the retry bound), as opposed to a refusal
     * @param cause the underlying failure, or {@code null}
     */
    public GatewayException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /**
     * Creates a non-retryable exception.
     *
     * @param message what failed, without secrets
     */
    public GatewayException(String message) {
        this(message, false, null);
    }

    /**
     * Whether sending the same request again later may succeed.
     *
     * @return {@code true} for transient failures
     */
    public boolean isRetryable() {
        return retryable;
    }
}
