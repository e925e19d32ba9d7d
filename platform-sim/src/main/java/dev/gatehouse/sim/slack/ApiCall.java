package dev.gatehouse.sim.slack;

import java.time.Instant;
import java.util.Map;

/**
 * One recorded Web API request and how the simulator answered it.
 *
 * @param at         when it was received
 * @param method     the method name, e.g. {@code chat.postMessage}
 * @param appId      the app owning the presented token, or {@code null} when none does
 * @param tokenKind  which credential was presented
 * @param params     form fields, or the top-level fields of a JSON body (non-text values as JSON text);
 *                   never contains the {@code token} field
 * @param httpStatus the HTTP status answered
 * @param error      the Slack error code answered, or {@code null} for {@code ok:true}
 */
public record ApiCall(Instant at, String method, String appId, TokenKind tokenKind, Map<String, String> params,
                      int httpStatus, String error) {
    public ApiCall {
        params = Map.copyOf(params);
    }

    /** Whether the call was answered {@code ok:true}. */
    public boolean ok() {
        return error == null;
    }
}
