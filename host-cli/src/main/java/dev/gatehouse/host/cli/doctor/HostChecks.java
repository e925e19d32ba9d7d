package dev.gatehouse.host.cli.doctor;

import dev.gatehouse.host.config.GatehouseConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** The checks of the machine rather than of a platform: the JDK, the heartbeat folder, the admin port, probe URLs. */
final class HostChecks {

    static final int MIN_JDK = 17;

    private final Duration timeout;

    HostChecks(Duration timeout) {
        this.timeout = timeout;
    }

    Finding jdk(Runtime.Version version, String vendor, String home) {
        String found = "Java " + version + " (" + vendor + ") at " + home;
        return version.feature() >= MIN_JDK ? Finding.ok("jdk", found)
                : Finding.fail("jdk", found + " is older than " + MIN_JDK,
                        "install JDK " + MIN_JDK + " or newer, or point JAVA_HOME at one");
    }

    /** See {@link HeartbeatCheck}. */
    Finding heartbeat(GatehouseConfig c) {
        if (c.heartbeatFile().isEmpty()) {
            return Finding.skip("heartbeat.file", "not configured; no watchdog file is written");
        }
        return HeartbeatCheck.of(c.heartbeatFile().get().toAbsolutePath());
    }

    /**
     * Binds the admin address for a moment. When it is taken, asks {@code /livez} there: a running
     * Gatehouse answers with its liveness document, which is fine (this is a live deployment being checked);
     * anything else holding the port would make the host fail to start.
     */
    Finding adminPort(GatehouseConfig.AdminSettings admin) {
        if (!admin.enabled()) {
            return Finding.skip("admin.listen", "admin API disabled");
        }
        String listen = admin.host() + ":" + admin.port();
        String check = "admin.listen " + listen;
        if (admin.port() == 0) {
            return Finding.ok(check, "port 0: the host picks a free port");
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(admin.host(), admin.port()));
            return Finding.ok(check, "can be bound");
        } catch (IOException e) {
            if (answersAsGatehouse(admin)) {
                return Finding.ok(check, "in use by a running gatehouse (its /livez answered); a second host on this"
                        + " address would fail to start");
            }
            return Finding.fail(check, "cannot be bound (" + e.getMessage() + "); another program holds it or the"
                    + " address is not local", "stop that program (find it with: ss -ltnp 'sport = :" + admin.port()
                    + "') or set admin.listen to a free port");
        }
    }

    private boolean answersAsGatehouse(GatehouseConfig.AdminSettings admin) {
        try {
            String host = admin.host().contains(":") ? "[" + admin.host() + "]" : admin.host();
            return get(URI.create("http://" + host + ":" + admin.port() + "/livez"), 64 * 1024)
                    .body().contains("\"heartbeatWithheldBecause\"");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** One GET per distinct URL; any HTTP status means reachable, as the host's network probe judges. */
    Finding probe(URI uri, List<String> usedBy) {
        String check = "probe " + uri;
        String who = " (" + String.join(", ", usedBy) + ")";
        try {
            return Finding.ok(check, "reachable, HTTP " + get(uri, 0).status() + who);
        } catch (IOException | RuntimeException e) {
            return Finding.fail(check, "not reachable within " + timeout.toSeconds() + " s (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")" + who,
                    "check DNS, firewall and proxy for this host, or the probeUrl/apiUrl setting");
        }
    }

    private record Answer(int status, String body) {
    }

    /**
     * A GET on the calling thread: {@link HttpURLConnection} starts no thread, where a
     * {@code java.net.http.HttpClient} per run left its selector thread behind until garbage collection.
     */
    private Answer get(URI uri, int maxBody) throws IOException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        try {
            c.setConnectTimeout(millis);
            c.setReadTimeout(millis);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestProperty("Connection", "close");
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            if (in == null || maxBody == 0) {
                return new Answer(status, "");
            }
            try (in) {
                return new Answer(status, new String(in.readNBytes(maxBody), StandardCharsets.UTF_8));
            }
        } finally {
            c.disconnect();
        }
    }
}
