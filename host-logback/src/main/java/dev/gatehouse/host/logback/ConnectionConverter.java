package dev.gatehouse.host.logback;


import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.Map;

/** {@code %conn}: {@code [platform/workspace#epoch] } from the MDC, or nothing outside a connection. */
public final class ConnectionConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String ws = mdc.get("workspace");
        if (ws == null) {
            return "";
        }
        String epoch = mdc.get("epoch");
        return "[" + mdc.getOrDefault("platform", "?") + "/" + ws + (epoch == null ? "" : "#" + epoch) + "] ";
    }
}
