package dev.gatehouse.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a class of this benchmark in a fresh JVM (by default with the same class path), output appended to a log file. */
final class ChildJvm {

    private ChildJvm() {
    }

    static void run(Class<?> main, List<String> args, Path log, Duration timeout) throws IOException, InterruptedException {
        run(main, System.getProperty("java.class.path"), args, log, timeout);
    }

    /** Runs {@code main} with another class path. */
    static void run(Class<?> main, String classPath, List<String> args, Path log, Duration timeout)
            throws IOException, InterruptedException {
        run(main.getName(), classPath, args, log, timeout);
    }

    /** Runs the class named {@code main}, which may need classes only {@code classPath} has. */
    static void run(String main, String classPath, List<String> args, Path log, Duration timeout)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(main);
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(main.substring(main.lastIndexOf('.') + 1) + " " + String.join(" ", args) + " still running after "
                        + timeout.toSeconds() + " s; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(main.substring(main.lastIndexOf('.') + 1) + " " + String.join(" ", args) + " exited with "
                        + p.exitValue() + "; see " + log);
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
