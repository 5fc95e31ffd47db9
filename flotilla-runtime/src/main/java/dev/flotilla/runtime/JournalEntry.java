package dev.flotilla.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a unit's journal: when the runtime saw it, which program wrote it (or
 * {@code flotilla} for the runtime's own messages about the unit), and the text without its line
 * break. Immutable.
 *
 * @param time when the line was read from the process (or written, for the runtime's own lines)
 * @param identifier the program's base name, e.g. {@code bash}, or {@code flotilla}
 * @param pid the writing process (the command's main process), or the agent's PID for its own lines
 * @param message the line's text
 */
public record JournalEntry(Instant time, String identifier, long pid, String message) {

    /** Checks that no component is null. */
    public JournalEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(message, "message");
    }

    /** journalctl's short-iso layout: {@code 2025-01-02T03:04:05.123456Z bash[4242]: hello}. */
    public String format() {
        return time + " " + identifier + "[" + pid + "]: " + message;
    }
}
