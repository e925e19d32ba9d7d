package dev.gatehouse.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code gatehouse status}'s table, alone and in a cluster. */
class StatusPrintTest {

    private static final String CONNECTION = """
            {"workspace": "%s", "platform": "slack", "state": "%s", "epoch": 3, "stateSince": "2026-12-06T10:00:00.123Z",
             "forcedReconnects": 0, "libraryReconnects": 1, "flapReconnects": 0, "stormReconnects": 0, "manualReconnects": 0,
             "sockets": %d, "lastError": null %s}""";

    private static String print(String json) throws Exception {
        JsonNode s = new ObjectMapper().readTree(json);
        StringWriter w = new StringWriter();
        try (PrintWriter out = new PrintWriter(w)) {
            StatusCommand.print(s, out);
        }
        return w.toString();
    }

    private static String status(String connections, String cluster) {
        return "{\"connections\": [" + connections + "], \"plugins\": [], \"heartbeat\": {\"file\": null}, \"problems\": []"
                + cluster + "}";
    }

    @Test
    void aHostRunningAloneShowsNoOwnerColumn() throws Exception {
        String out = print(status(CONNECTION.formatted("acme", "CONNECTED", 1, ""), ""));
        assertThat(out).doesNotContain("OWNER").doesNotContain("cluster:");
        assertThat(out.lines().filter(l -> l.startsWith("acme"))).singleElement().asString()
                .contains("CONNECTED").endsWith("1  -");
    }

    @Test
    void inAClusterEveryConnectionShowsItsOwnerAndThoseRunElsewhereOrByNobodySaySo() throws Exception {
        String conns = CONNECTION.formatted("acme", "CONNECTED", 1, ", \"owner\": \"gh-1\"") + ","
                + CONNECTION.formatted("globex", "STOPPED", 0, ", \"owner\": \"gh-2\"") + ","
                + CONNECTION.formatted("initech", "STOPPED", 0, ", \"owner\": null") + ","
                + CONNECTION.formatted("umbrella", "STOPPED", 0, ", \"owner\": \"gh-2\", \"ownerState\": \"RECONNECTING\"");
        String cluster = ", \"cluster\": {\"hostId\": \"gh-1\", \"members\": [\"gh-1\", \"gh-2\"], \"zookeeper\": \"CONNECTED\","
                + " \"fenced\": null}";
        String out = print(status(conns, cluster));
        assertThat(out).contains("OWNER");
        assertThat(out.lines().filter(l -> l.startsWith("umbrella"))).singleElement().asString().contains("RECONNECTING")
                .contains("gh-2");
        assertThat(out.lines().filter(l -> l.startsWith("acme"))).singleElement().asString().contains("CONNECTED").contains("gh-1");
        assertThat(out.lines().filter(l -> l.startsWith("globex"))).singleElement().asString().contains("ELSEWHERE")
                .contains("gh-2");
        assertThat(out.lines().filter(l -> l.startsWith("initech"))).singleElement().asString().contains("UNOWNED");
        assertThat(out).contains("cluster: this host gh-1, members [gh-1, gh-2], ZooKeeper CONNECTED\n");
    }

    @Test
    void aMovedConnectionSaysSoAndOneOnItsWayToItsNewHostSaysWhere() throws Exception {
        String conns = CONNECTION.formatted("acme", "CONNECTED", 1, ", \"owner\": \"gh-1\", \"pinnedTo\": \"gh-1\"") + ","
                + CONNECTION.formatted("globex", "CONNECTED", 1, ", \"owner\": \"gh-1\", \"pinnedTo\": \"gh-2\"") + ","
                + CONNECTION.formatted("initech", "CONNECTED", 1, ", \"owner\": \"gh-1\", \"pinnedTo\": null");
        String cluster = ", \"cluster\": {\"hostId\": \"gh-1\", \"members\": [\"gh-1\", \"gh-2\"], \"zookeeper\": \"CONNECTED\","
                + " \"fenced\": null}";
        String out = print(status(conns, cluster));
        assertThat(out.lines().filter(l -> l.startsWith("acme"))).singleElement().asString().contains("gh-1 (moved)");
        assertThat(out.lines().filter(l -> l.startsWith("globex"))).singleElement().asString().contains("gh-1 (→ gh-2)");
        assertThat(out.lines().filter(l -> l.startsWith("initech"))).singleElement().asString().doesNotContain("(");
    }

    @Test
    void aFencedHostSaysItOwnsNothingAndWhy() throws Exception {
        String cluster = ", \"cluster\": {\"hostId\": \"gh-1\", \"members\": [], \"zookeeper\": \"SUSPENDED\","
                + " \"fenced\": \"no answer from ZooKeeper for too long\"}";
        assertThat(print(status(CONNECTION.formatted("acme", "STOPPED", 0, ", \"owner\": null"), cluster)))
                .contains("ZooKeeper SUSPENDED, FENCED (owns nothing): no answer from ZooKeeper for too long");
    }
}
