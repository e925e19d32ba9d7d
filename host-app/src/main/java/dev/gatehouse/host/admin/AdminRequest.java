package dev.gatehouse.host.admin;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * One request as read off the wire, complete (head and body) and within the size limits.
 *
 * @param method the method, e.g. {@code GET}
 * @param path the decoded path, e.g. {@code /connections/acme/slack/reconnect}
 * @param rawQuery the query as sent, or {@code null}
 * @param headers header values by lower-case name, in the order received
 * @param local the address the connection arrived on (the listen address, or the concrete one when listening on a wildcard)
 */
record AdminRequest(String method, String path, String rawQuery, Map<String, List<String>> headers, InetSocketAddress local) {

    AdminRequest {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header, or {@code null}; {@code name} in lower case. */
    String header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    boolean isHead() {
        return method.equals("HEAD");
    }
}
