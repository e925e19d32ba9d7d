package dev.gatehouse.host.cli;

import dev.gatehouse.api.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads {@code 500ms}, {@code 20s}, {@code 5m} from the command line. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return Durations.parse(value);
    }
}
