package dev.gatehouse.host.logback;

import dev.gatehouse.host.logging.Secrets;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %ex} with secrets masked in exception messages (see {@link Secrets}). */
public final class RedactingThrowableConverter extends ExtendedThrowableProxyConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Secrets.redact(super.convert(event));
    }
}
