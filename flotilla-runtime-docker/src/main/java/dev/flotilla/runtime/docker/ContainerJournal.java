package dev.flotilla.runtime.docker;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.support.UnitJournal;

/**
 * A container unit's journal: the container's stdout and stderr lines stamped with the engine's
 * timestamps, and the runtime's own lines ({@code flotilla[pid]}), in the files and layout of every
 * unit's {@link UnitJournal}. A line break inside an entry is written as a space, so that each entry
 * stays one line. Adds {@link #cursor}, where the container's log already in the journal ends.
 * Thread-safe, like {@link UnitJournal}.
 */
final class ContainerJournal extends UnitJournal {

    ContainerJournal(Path unitDir, long maxBytes) {
        super(unitDir, maxBytes);
    }

    @Override
    protected String line(JournalEntry entry) {
        return entry.format().replace('\n', ' ');
    }

    /**
     * Where the container's output already in the journal ends: the time of the last line written by
     * {@code identifier} and how many lines carry exactly that time, so that reading the engine's log again
     * from that time skips what is here. Empty when the journal holds no line of it.
     */
    synchronized LogCursor cursor(String identifier) throws IOException {
        List<JournalEntry> recent = tail(4000);
        Instant last = null;
        int count = 0;
        for (JournalEntry e : recent) {
            if (!e.identifier().equals(identifier)) {
                continue;
            }
            if (e.time().equals(last)) {
                count++;
            } else if (last == null || e.time().isAfter(last)) {
                last = e.time();
                count = 1;
            }
        }
        return last == null ? LogCursor.START : new LogCursor(last, count);
    }

    /**
     * A position in a container's log: lines stamped before {@code time}, and the first {@code seen} lines
     * stamped exactly {@code time}, are in the journal already.
     */
    record LogCursor(Instant time, int seen) {
        /** Nothing read yet. */
        static final LogCursor START = new LogCursor(Instant.EPOCH, 0);
    }
}
