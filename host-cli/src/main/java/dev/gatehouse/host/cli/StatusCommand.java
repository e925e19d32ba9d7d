package dev.gatehouse.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.host.exit.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatehouse status}: a running host's connections, plugins and heartbeat. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Shows a running host's connections, plugins and heartbeat.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    AdminClient admin;
    @Option(names = "--json", description = "print the raw JSON of GET /status")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AdminClient.Answer a;
        try {
            a = admin.call("GET", "/status", Duration.ofSeconds(10));
        } catch (IOException e) {
            err.println("cannot reach the admin API at " + admin.url + ": " + e.getMessage()
                    + " (is the host running? pass --admin URL)");
            return ExitCodes.UNREACHABLE;
        }
        if (!a.ok()) {
            err.println("status refused: " + a.error());
            return ExitCodes.REQUEST_FAILED;
        }
        if (json) {
            out.println(a.text());
        } else {
            print(a.json(), out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    static void print(JsonNode s, PrintWriter out) {
        JsonNode cluster = s.path("cluster");
        boolean clustered = cluster.isObject();
        String f = "%-14s %-9s %-12s %5s  %-20s %6s %7s %4s %5s %6s %7s  " + (clustered ? "%-16s " : "%s") + "%s%n";
        out.printf(f, "WORKSPACE", "PLATFORM", "STATE", "EPOCH", "SINCE", "FORCED", "LIBRARY", "FLAP", "STORM", "MANUAL",
                "SOCKETS", clustered ? "OWNER" : "", "LAST ERROR");
        for (JsonNode c : s.get("connections")) {
            String owner = c.path("owner").isTextual() ? c.get("owner").asText() : "-";
            String pinned = c.path("pinnedTo").isTextual() ? c.get("pinnedTo").asText() : null;
            // A connection another host owns is stopped here: its state is the one that host last published (or
            // ELSEWHERE until it has), its counters are on that host. One without an owner waits for a host to take it.
            String state = c.get("state").asText();
            if (clustered && state.equals("STOPPED") && !owner.equals(cluster.path("hostId").asText())) {
                state = owner.equals("-") ? "UNOWNED" : c.path("ownerState").isTextual() ? c.get("ownerState").asText() : "ELSEWHERE";
            }
            out.printf(f, c.get("workspace").asText(), c.get("platform").asText(), state,
                    c.get("epoch").asText(), c.get("stateSince").asText("").replaceFirst("\\.\\d+Z$", "Z"),
                    c.get("forcedReconnects").asText(), c.get("libraryReconnects").asText(), c.get("flapReconnects").asText(),
                    c.get("stormReconnects").asText(), c.get("manualReconnects").asText(), c.get("sockets").asText(),
                    clustered ? owner + (pinned == null ? "" : pinned.equals(owner) ? " (moved)" : " (→ " + pinned + ")") : "",
                    c.get("lastError").isNull() ? "-" : c.get("lastError").asText());
        }
        if (clustered) {
            List<String> members = new ArrayList<>();
            cluster.path("members").forEach(m -> members.add(m.asText()));
            out.println();
            out.printf("cluster: this host %s, members %s, ZooKeeper %s%s%n", cluster.path("hostId").asText(), members,
                    cluster.path("zookeeper").asText(), cluster.path("fenced").isTextual()
                            ? ", FENCED (owns nothing): " + cluster.get("fenced").asText() : "");
        }
        out.println();
        out.printf("%-22s %-10s %-9s %-16s %s%n", "PLUGIN", "VERSION", "STATE", "PLATFORMS", "NOTE");
        for (JsonNode p : s.get("plugins")) {
            StringBuilder platforms = new StringBuilder();
            p.get("platforms").forEach(x -> platforms.append(platforms.length() == 0 ? "" : ",").append(x.asText()));
            String note = p.get("leakSuspected").asBoolean() ? "leak suspected: restart recommended"
                    : p.get("problem").isNull() ? "" : p.get("problem").asText();
            out.printf("%-22s %-10s %-9s %-16s %s%n", p.get("id").asText(), p.get("version").asText("-"),
                    p.get("state").asText(), platforms.length() == 0 ? "-" : platforms, note);
        }
        JsonNode h = s.get("heartbeat");
        out.println();
        out.printf("heartbeat: %s, last written %s%s%n", h.path("file").isNull() ? "(no file)" : h.path("file").asText(),
                h.path("lastWrite").asText("never"), h.path("withheld").asBoolean() ? ", WITHHELD: " + h.get("withheldBecause") : "");
        for (JsonNode p : s.path("problems")) {
            out.println("problem: " + p.asText());
        }
    }
}
