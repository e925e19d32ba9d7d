package dev.gatehouse.host.cluster.zookeeper;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A member node's data: {@code {"states": {"<platform>:<workspace>": "CONNECTED", ...}}}, the state of
 * each connection the member runs. Anything else (an older host's plain id, damage) reads as no states.
 */
final class MemberData {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Map<String, String>>> SHAPE = new TypeReference<>() {
    };

    private MemberData() {
    }

    static byte[] encode(Map<String, String> states) {
        try {
            return JSON.writeValueAsBytes(Map.of("states", new TreeMap<>(states)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> decode(byte[] data) {
        if (data == null || data.length == 0 || data[0] != '{') {
            return Map.of();
        }
        try {
            Map<String, Map<String, String>> m = JSON.readValue(data, SHAPE);
            Map<String, String> states = m.get("states");
            return states == null ? Map.of() : states;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }
}
