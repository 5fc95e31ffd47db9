package dev.flotilla.cli;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.flotilla.unit.Secrets;

/**
 * Logback's {@code %msg} with secret-looking values masked ({@link Secrets#redact}): what the agent logs of a
 * failing unit quotes its command lines and settings. Used by logback.xml as {@code %redactedMsg}; only the
 * daemons log, so the fleet commands never load this class.
 */
public final class RedactedMessage extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Secrets.redact(super.convert(event));
    }
}
