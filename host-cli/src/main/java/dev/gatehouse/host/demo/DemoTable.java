package dev.gatehouse.host.demo;

import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.status.HostStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Renders the demo's live table: one row per connection, then the last fault and where to look. */
final class DemoTable {

    private DemoTable() {
    }

    static String render(HostStatus s, Map<String, long[]> traffic, String lastFault, Instant lastFaultAt, String adminUrl,
            Duration uptime) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Gatehouse demo — up %ds — admin API %s (try: java -jar dist/gatehouse.jar status --admin %s)%n%n",
                uptime.toSeconds(), adminUrl, adminUrl));
        String f = "%-8s %-8s %-13s %5s %7s %6s %4s %5s %7s %6s %6s  %s%n";
        b.append(String.format(f, "PLATFORM", "WORKSPACE", "STATE", "EPOCH", "LIBRARY", "FORCED", "FLAP", "STORM", "SOCKETS",
                "IN", "OUT", "LAST ERROR"));
        for (ConnectionStatus c : s.connections()) {
            long[] t = traffic.getOrDefault(c.platform() + "/" + c.workspace(), new long[2]);
            b.append(String.format(f, c.platform(), c.workspace(), c.state(), c.epoch(), c.libraryReconnects(),
                    c.forcedReconnects(), c.flapReconnects(), c.stormReconnects(), c.sockets(), t[0], t[1],
                    c.lastError() == null ? "-" : abbreviate(c.lastError(), 60)));
        }
        b.append(String.format("%nlast fault: %s%s%n", lastFault == null ? "none yet (one every ~20 s)" : lastFault,
                lastFaultAt == null ? "" : " (" + Duration.between(lastFaultAt, Instant.now()).toSeconds() + " s ago)"));
        b.append(String.format("heartbeat: %s%n", s.heartbeat() == null ? "-" : s.heartbeat().withheld()
                ? "WITHHELD " + s.heartbeat().withheldBecause() : "written " + s.heartbeat().lastWrite()));
        s.problems().forEach(p -> b.append("problem: ").append(p).append('\n'));
        b.append("Ctrl-C to stop.\n");
        return b.toString();
    }

    static void print(PrintStream out, String table, boolean ansi) {
        if (ansi) {
            out.print("\033[H\033[2J");
        }
        out.print(table);
        out.flush();
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
