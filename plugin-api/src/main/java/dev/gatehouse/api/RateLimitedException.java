package dev.gatehouse.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The platform answered "too many requests" (HTTP 429) and asked to wait: Slack's {@code Retry-After}
 * header, Discord's {@code retry_after}. Thrown by {@link MessageHistory#page}; the host waits and asks
 * again, or stops and reports what it could not fetch.
 */
public final class RateLimitedException extends GatewayException {

    private static final long serialVersionUID = 1L;

    /** How long the platform asked to wait; part of the serialized form. */
    private final Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param message what was rate limited, without secrets
     * @param retryAfter how long the platform asked to wait (zero or more)
     */
    public RateLimitedException(String message, Duration retryAfter) {
        super(message, true, null);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
    }

    /**
     * How long the platform asked to wait.
     *
     * @return the wait, zero or more
     */
    public Duration retryAfter() {
        return retryAfter;
    }
}
