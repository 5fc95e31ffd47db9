package dev.flotilla.cli;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.flotilla.unit.Secrets;

/**
 * Logback's {@code %ex} with secret-looking values masked ({@link Secrets#redact}): exception messages quote
 * unit settings too. Used by logback.xml as {@code %redactedEx}.
 */
public final class RedactedThrowable extends ThrowableProxyConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Secrets.redact(super.convert(event));
    }
}
