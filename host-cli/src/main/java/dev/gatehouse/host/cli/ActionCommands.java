package dev.gatehouse.host.cli;

import dev.gatehouse.host.exit.ExitCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The operator actions on a running host: reconnect, enable, disable, reload, cluster move and unpin. */
final class ActionCommands {

    private ActionCommands() {
    }

    /** Sends one POST and prints the outcome. */
    abstract static class Post implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @Spec
        CommandSpec spec;

        abstract String path();

        abstract String describe();

        Duration timeout() {
            return Duration.ofSeconds(60);
        }

        @Override
        public Integer call() throws InterruptedException {
            AdminClient.Answer a;
            try {
                a = admin.call("POST", path(), timeout());
            } catch (IOException e) {
                spec.commandLine().getErr().println("cannot reach the admin API at " + admin.url + ": " + e.getMessage()
                        + " (is the host running? pass --admin URL)");
                return ExitCodes.UNREACHABLE;
            }
            if (!a.ok()) {
                spec.commandLine().getErr().println(describe() + " failed: " + (a.json() != null && a.json().has("reason")
                        && !a.json().get("reason").isNull() ? a.json().get("reason").asText() : a.error()));
                return ExitCodes.REQUEST_FAILED;
            }
            String msg = a.json() == null ? a.text()
                    : a.json().has("message") ? a.json().get("message").asText()
                    : a.json().has("outcome") ? a.json().get("outcome").asText() + " " + a.json().path("fromVersion").asText("")
                            + " -> " + a.json().path("toVersion").asText("") + " in " + a.json().path("tookMillis").asText() + " ms"
                    : a.json().path("result").asText();
            spec.commandLine().getOut().println(describe() + ": " + msg);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    /** Arguments naming one connection. */
    abstract static class OnConnection extends Post {
        @Parameters(index = "0", paramLabel = "WORKSPACE")
        String workspace;
        @Parameters(index = "1", paramLabel = "PLATFORM")
        String platform;

        String path(String action) {
            return "/connections/" + workspace + "/" + platform + "/" + action;
        }
    }

    @Command(name = "reconnect", mixinStandardHelpOptions = true,
            description = "Asks a running host to reconnect one connection (single-flight with its own reconnects).")
    static final class Reconnect extends OnConnection {
        @Override
        String path() {
            return path("reconnect");
        }

        @Override
        String describe() {
            return "reconnect " + platform + "/" + workspace;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Starts a configured connection on a running host.")
    static final class Enable extends OnConnection {
        @Override
        String path() {
            return path("enable");
        }

        @Override
        String describe() {
            return "enable " + platform + "/" + workspace;
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Closes a connection on a running host and keeps it stopped (until enable or a restart).")
    static final class Disable extends OnConnection {
        @Override
        String path() {
            return path("disable");
        }

        @Override
        String describe() {
            return "disable " + platform + "/" + workspace;
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Reloads a plugin on a running host from its jar, reopening its connections; rolls back on failure.")
    static final class Reload extends Post {
        @Parameters(index = "0", paramLabel = "PLUGIN")
        String plugin;
        @Option(names = "--force", description = "allow a downgrade")
        boolean force;

        @Override
        String path() {
            return "/plugins/" + plugin + "/reload" + (force ? "?force=true" : "");
        }

        @Override
        String describe() {
            return "reload " + plugin;
        }

        @Override
        Duration timeout() {
            return Duration.ofMinutes(5);
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true, description = "Cluster mode: moves connections between hosts.",
            subcommands = {Move.class, Unpin.class})
    static final class Cluster implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return ExitCodes.USAGE;
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Moves a connection to another host of the cluster (asked of any host) and keeps it there while"
                    + " that host is a member: closed where it runs, then opened there. 'cluster unpin' undoes it.")
    static final class Move extends OnConnection {
        @Parameters(index = "2", paramLabel = "HOST", description = "the cluster.hostId of the host to move it to")
        String host;

        @Override
        String path() {
            return path("move") + "?to=" + java.net.URLEncoder.encode(host, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        String describe() {
            return "move " + platform + "/" + workspace + " to " + host;
        }
    }

    @Command(name = "unpin", mixinStandardHelpOptions = true,
            description = "Lets the cluster place a connection moved by 'cluster move' again (it may stay where it is).")
    static final class Unpin extends OnConnection {
        @Override
        String path() {
            return path("unpin");
        }

        @Override
        String describe() {
            return "unpin " + platform + "/" + workspace;
        }
    }
}
