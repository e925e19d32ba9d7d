package dev.gatehouse.testplugin;

import dev.gatehouse.api.CredentialCheck;
import dev.gatehouse.api.GatewaySettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The loopback platform's credential check: one {@code CHECK <workspace>} line on a socket of its own,
 * answered {@code OK …} or {@code REVOKED <code>}; the socket is closed before returning.
 */
final class LoopbackCheck {

    private LoopbackCheck() {
    }

    static CredentialCheck check(GatewaySettings settings, Duration timeout) throws IOException {
        int port = settings.integer("port", 0);
        String path = settings.path();
        String workspace = path.substring(path.indexOf('.') + 1, path.lastIndexOf('.'));
        int bound = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), bound);
            s.setSoTimeout(bound);
            Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
            out.write("CHECK " + workspace + "\n");
            out.flush();
            String answer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (answer != null && answer.startsWith("OK")) {
                return CredentialCheck.ok("the loopback server accepted workspace " + workspace);
            }
            return CredentialCheck.failed("the loopback server answered '" + answer + "' for " + settings.keyPath("credential"),
                    "put a valid credential in " + settings.keyPath("credential"));
        }
    }
}
