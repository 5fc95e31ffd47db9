package dev.flotilla.cli;

import java.time.Instant;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;

/**
 * {@code --log-format logfmt}: one line of {@code key=value} pairs per log line, values quoted when they hold a
 * space, a quote or an {@code =}: {@code time=2026-11-25T17:01:02.123Z level=info logger=dev.flotilla.agent.TaskRunner
 * thread=flotilla-agent-2aa4e35a machine=2aa4e35a... unit=web@01.service msg="starting web@01.service (3964cf3)"}.
 * An exception adds {@code error} (its first line) and {@code stack} (the trace, line breaks as {@code \n}).
 * Secret-looking values are masked ({@link LogFields}).
 */
public final class LogfmtLayout extends LayoutBase<ILoggingEvent> {

    @Override
    public String doLayout(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(256);
        pair(b, "time", Instant.ofEpochMilli(e.getTimeStamp()).toString());
        pair(b, "level", e.getLevel().toString().toLowerCase(java.util.Locale.ROOT));
        pair(b, "logger", e.getLoggerName());
        pair(b, "thread", e.getThreadName());
        pair(b, "machine", LogFields.machine(e));
        pair(b, "unit", LogFields.unit(e));
        pair(b, "msg", LogFields.message(e));
        pair(b, "error", LogFields.error(e));
        pair(b, "stack", LogFields.stack(e));
        return b.append('\n').toString();
    }

    private static void pair(StringBuilder b, String key, String value) {
        if (value == null) {
            return;
        }
        if (!b.isEmpty()) {
            b.append(' ');
        }
        b.append(key).append('=');
        boolean quote = value.isEmpty() || value.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '=' || c == '\\');
        if (!quote) {
            b.append(value);
            return;
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < ' ') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
