package dev.gatehouse.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion within a bound; a process that overruns is killed and fails the test. */
final class Processes {

    /** What a finished process left: its exit code and its output (stdout and stderr interleaved). */
    record Result(int exitCode, String output) {
    }

    private Processes() {
    }

    static Result run(List<String> command, Path workDir, Map<String, String> env, Duration bound) throws Exception {
        Path out = Files.createTempFile(workDir, "process", ".out");
        Process p = start(command, workDir, env, out);
        try {
            boolean ended = p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(ended).as("%s ended within %s; output so far:%n%s", command, bound, read(out)).isTrue();
            return new Result(p.exitValue(), read(out));
        } finally {
            p.destroyForcibly();
        }
    }

    /** Starts a process in {@code workDir} with exactly {@code env}; its output goes to {@code out}. */
    static Process start(List<String> command, Path workDir, Map<String, String> env, Path out) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        b.environment().clear();
        b.environment().putAll(env);
        return b.start();
    }

    static String read(Path out) throws IOException {
        return Files.exists(out) ? Files.readString(out) : "";
    }
}
