package dev.gatehouse.slack.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Measured figures for the closing note: logged and appended to {@code target/slack-figures.txt}. */
final class Figures {

    private static final Logger log = LoggerFactory.getLogger(Figures.class);
    private static final Path FILE = Path.of(System.getProperty("gatehouse.figuresFile", "target/slack-figures.txt"));

    private Figures() {
    }

    static synchronized void record(String what, Object value) {
        String line = what + " = " + value;
        log.info("figure: {}", line);
        try {
            Files.createDirectories(FILE.toAbsolutePath().getParent());
            Files.writeString(FILE, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("cannot write {}: {}", FILE, e.toString());
        }
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    static long millisBetween(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }
}
