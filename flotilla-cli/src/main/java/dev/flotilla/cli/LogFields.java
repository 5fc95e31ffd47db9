package dev.flotilla.cli;

import java.util.Map;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import dev.flotilla.registry.MachineId;
import dev.flotilla.unit.Secrets;
import dev.flotilla.unit.UnitName;

/**
 * What the structured log formats say of a line beside its message: the machine and the unit it is about. The
 * machine is the logging context's {@code machine} (set on the agent's threads), else the first machine ID among
 * the message's arguments, else the process's own machine ({@code flotilla agent} runs one); the unit is the
 * context's {@code unit}, else the first unit name among the arguments. Text is masked with {@link Secrets}.
 * Thread-safe.
 */
final class LogFields {

    /** The machine of a process that runs one ({@code flotilla agent}); null before it is known, or in dev mode. */
    private static volatile String processMachine;

    private LogFields() {
    }

    /** Every later line of this process without a machine of its own is about {@code machineId}. */
    static void processMachine(String machineId) {
        processMachine = machineId;
    }

    /** The machine the line is about, or null. */
    static String machine(ILoggingEvent e) {
        String fromContext = context(e, "machine");
        if (fromContext != null) {
            return fromContext;
        }
        Object[] args = e.getArgumentArray();
        if (args != null) {
            for (Object arg : args) {
                if (arg instanceof MachineId id) {
                    return id.value();
                }
            }
        }
        return processMachine;
    }

    /** The unit the line is about, or null. */
    static String unit(ILoggingEvent e) {
        String fromContext = context(e, "unit");
        if (fromContext != null) {
            return fromContext;
        }
        Object[] args = e.getArgumentArray();
        if (args != null) {
            for (Object arg : args) {
                if (arg instanceof UnitName name) {
                    return name.name();
                }
            }
        }
        return null;
    }

    /** The line's message, masked. */
    static String message(ILoggingEvent e) {
        return Secrets.redact(e.getFormattedMessage());
    }

    /** The exception's first line ({@code java.io.IOException: ...}), masked; null without one. */
    static String error(ILoggingEvent e) {
        IThrowableProxy t = e.getThrowableProxy();
        return t == null ? null : Secrets.redact(t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }

    /** The exception's whole stack trace, masked; null without one. */
    static String stack(ILoggingEvent e) {
        IThrowableProxy t = e.getThrowableProxy();
        return t == null ? null : Secrets.redact(ThrowableProxyUtil.asString(t));
    }

    private static String context(ILoggingEvent e, String key) {
        Map<String, String> mdc = e.getMDCPropertyMap();
        String value = mdc == null ? null : mdc.get(key);
        return value == null || value.isEmpty() ? null : value;
    }
}
