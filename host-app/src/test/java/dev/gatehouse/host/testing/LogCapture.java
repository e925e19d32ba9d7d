package dev.gatehouse.host.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Captures the rendered log output for assertions. {@code %msg} and {@code %ex} are whatever the test
 * module's logback configuration makes them: the masking ones where it includes host-logback's
 * conversion rules (the plugin modules, as the operators' jar), logback's own in host-app.
 */
public final class LogCapture implements AutoCloseable {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    private final Logger root;

    public LogCapture() {
        this("%level [%thread] %logger %X{platform}/%X{workspace} - %msg%n%ex");
    }

    /** Captures with a logback pattern of the caller's. */
    public LogCapture(String pattern) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern(pattern);
        enc.start();
        appender.setContext(ctx);
        appender.setEncoder(enc);
        appender.setOutputStream(bytes);
        appender.setImmediateFlush(true);
        appender.start();
        root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
    }

    public String text() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
