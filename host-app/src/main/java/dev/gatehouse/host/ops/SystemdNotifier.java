package dev.gatehouse.host.ops;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to systemd for a {@code Type=notify} unit: {@code READY=1} once the initial connections
 * settled, {@code WATCHDOG=1} while the supervisor loop makes progress, {@code STOPPING=1} on shutdown.
 * Messages go through the {@code systemd-notify} binary (the JDK cannot send on a Unix datagram socket),
 * so the unit needs {@code NotifyAccess=all}. Without {@code NOTIFY_SOCKET} every call is a no-op.
 */
public final class SystemdNotifier {

    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

    private final Map<String, String> env;
    private final String command;
    private final long pid;
    private volatile boolean warned;

    /** Uses the process environment and {@code systemd-notify} from the PATH. */
    public static SystemdNotifier fromEnvironment() {
        return new SystemdNotifier(System.getenv(), "systemd-notify", ProcessHandle.current().pid());
    }

    public SystemdNotifier(Map<String, String> env, String command, long pid) {
        this.env = env;
        this.command = command;
        this.pid = pid;
    }

    /** Whether systemd expects notifications from this process. */
    public boolean enabled() {
        String s = env.get("NOTIFY_SOCKET");
        return s != null && !s.isBlank();
    }

    /** Half of systemd's {@code WatchdogSec}, if the unit set one: how often to send {@code WATCHDOG=1}. */
    public Optional<Duration> watchdogInterval() {
        String usec = env.get("WATCHDOG_USEC");
        if (!enabled() || usec == null || usec.isBlank()) {
            return Optional.empty();
        }
        String forPid = env.get("WATCHDOG_PID");
        if (forPid != null && !forPid.isBlank() && !forPid.trim().equals(Long.toString(pid))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofNanos(Long.parseLong(usec.trim()) * 1000 / 2));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public void ready(String status) {
        send("READY=1", "STATUS=" + status);
    }

    public void watchdog() {
        send("WATCHDOG=1");
    }

    public void stopping() {
        send("STOPPING=1", "STATUS=stopping");
    }

    public void status(String status) {
        send("STATUS=" + status);
    }

    private void send(String... assignments) {
        if (!enabled()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(command, "--pid=" + pid));
        cmd.addAll(List.of(assignments));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                warnOnce("systemd-notify did not finish within 5 s");
            } else if (p.exitValue() != 0) {
                warnOnce("systemd-notify exited with " + p.exitValue() + " (does the unit set NotifyAccess=all?)");
            }
        } catch (IOException e) {
            warnOnce("cannot run " + command + " (" + e.getMessage() + "); install systemd or use Type=simple");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void warnOnce(String message) {
        if (!warned) {
            warned = true;
            log.warn("systemd notification failed: {}", message);
        }
    }
}
