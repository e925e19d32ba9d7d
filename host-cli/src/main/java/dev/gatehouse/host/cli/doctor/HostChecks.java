package dev.gatehouse.host.cli.doctor;

import dev.gatehouse.host.config.GatehouseConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The checks of the machine rather than of a platform: the JDK, the heartbeat folder, the admin port, probe URLs. */
final class HostChecks {

    static final int MIN_JDK = 17;

    private final Duration timeout;
    private final HttpClient http;

    HostChecks(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Finding jdk(Runtime.Version version, String vendor, String home) {
        String found = "Java " + version + " (" + vendor + ") at " + home;
        return version.feature() >= MIN_JDK ? Finding.ok("jdk", found)
                : Finding.fail("jdk", found + " is older than " + MIN_JDK,
                        "install JDK " + MIN_JDK + " or newer, or point JAVA_HOME at one");
    }

    /**
     * Writes and removes a file in the heartbeat file's folder, creating the folder first as the host does
     * before its first write; {@code Files.isWritable} would not do, it says yes to root on a read-only mount.
     */
    Finding heartbeat(GatehouseConfig c) {
        if (c.heartbeatFile().isEmpty()) {
            return Finding.skip("heartbeat.file", "not configured; no watchdog file is written");
        }
        Path file = c.heartbeatFile().get().toAbsolutePath();
        Path dir = file.getParent();
        String check = "heartbeat.file " + file;
        boolean existed = Files.isDirectory(dir);
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".gatehouse-doctor", ".tmp");
            Files.delete(probe);
        } catch (IOException | RuntimeException e) {
            return Finding.fail(check, "folder " + dir + " cannot be written (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", "create " + dir + " writable by the user gatehouse runs as, or change heartbeat.file");
        }
        return Finding.ok(check, "folder " + dir + " is writable" + (existed ? "" : " (created it, as the host would)"));
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
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + admin.port()
                    + "/livez")).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.body().contains("\"heartbeatWithheldBecause\"");
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One GET per distinct URL; any HTTP status means reachable, as the host's network probe judges. */
    Finding probe(URI uri, List<String> usedBy) {
        String check = "probe " + uri;
        String who = " (" + String.join(", ", usedBy) + ")";
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return Finding.ok(check, "reachable, HTTP " + r.statusCode() + who);
        } catch (IOException | RuntimeException e) {
            return Finding.fail(check, "not reachable within " + timeout.toSeconds() + " s (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")" + who,
                    "check DNS, firewall and proxy for this host, or the probeUrl/apiUrl setting");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Finding.fail(check, "interrupted", "run the doctor again");
        }
    }

}
