package dev.gatehouse.host.logback;

import dev.gatehouse.host.logging.Secrets;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %msg} with secrets masked (see {@link Secrets}). */
public final class RedactingMessageConverter extends MessageConverter {

    @Override
    public void start() {
        Secrets.declareLogMasking();
        super.start();
    }

    @Override
    public String convert(ILoggingEvent event) {
        return Secrets.redact(super.convert(event));
    }
}
