package dev.gatehouse.host.testing;

import dev.gatehouse.host.exit.ProcessExit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records exit requests instead of ending the JVM. */
public final class RecordingExit implements ProcessExit {

    public record Request(int code, String reason) { }

    public final List<Request> requests = new CopyOnWriteArrayList<>();

    @Override
    public void exit(int code, String reason) {
        requests.add(new Request(code, reason));
    }
}
