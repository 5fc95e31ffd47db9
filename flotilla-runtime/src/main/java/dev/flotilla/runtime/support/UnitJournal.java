package dev.flotilla.runtime.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.Subscription;

/**
 * A unit's journal, the same for every runtime: timestamped lines in {@code journal} in the unit's
 * directory, rotated to {@code journal.1} when the current file reaches half the bound, so the two
 * files never hold much more than {@code maxBytes} (the oldest lines go first). One line per entry,
 * in {@link JournalEntry#format()}'s layout (see {@link #line}). Both the exec runtime and the
 * Docker runtime keep their units' journals in this class, so a journal reads the same whichever
 * runtime wrote it.
 *
 * <p>Thread-safe: appends, reads and follower registration are serialised on this object, so a
 * follower sees every entry exactly once and in order. A follower that throws is dropped.
 */
public class UnitJournal {

    private static final Logger LOG = LoggerFactory.getLogger(UnitJournal.class);

    private final Path current;
    private final Path previous;
    private final long maxBytes;
    private final List<Consumer<JournalEntry>> followers = new CopyOnWriteArrayList<>();

    /**
     * A journal over {@code unitDir}'s {@code journal} and {@code journal.1} (the files need not exist yet).
     *
     * @param unitDir the unit's directory in the runtime's state directory
     * @param maxBytes the bound on both files together
     */
    public UnitJournal(Path unitDir, long maxBytes) {
        this.current = unitDir.resolve("journal");
        this.previous = unitDir.resolve("journal.1");
        this.maxBytes = maxBytes;
    }

    /** Appends {@code entries}, rotating whenever the current file would pass half the bound, then tells the followers. */
    public synchronized void append(List<JournalEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        long size = Files.exists(current) ? Files.size(current) : 0;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (JournalEntry e : entries) {
            byte[] line = (line(e) + "\n").getBytes(StandardCharsets.UTF_8);
            if (size + pending.size() + line.length > maxBytes / 2 && size + pending.size() > 0) {
                write(pending);
                Files.move(current, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                size = 0;
            }
            pending.write(line);
        }
        write(pending);
        for (Consumer<JournalEntry> f : followers) {
            for (JournalEntry e : entries) {
                try {
                    f.accept(e);
                } catch (RuntimeException ex) {
                    LOG.warn("journal follower failed; it is dropped", ex);
                    followers.remove(f);
                    break;
                }
            }
        }
    }

    /**
     * The text of {@code entry}'s line in the file, without the line break: {@link JournalEntry#format()}.
     * A runtime whose entries may hold line breaks overrides this to keep each entry on one line.
     */
    protected String line(JournalEntry entry) {
        return entry.format();
    }

    private void write(ByteArrayOutputStream pending) throws IOException {
        try (OutputStream out = Files.newOutputStream(current, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            pending.writeTo(out);
        }
        pending.reset();
    }

    /** The last {@code lines} entries, oldest first (none when {@code lines} is not positive). */
    public synchronized List<JournalEntry> tail(int lines) throws IOException {
        if (lines <= 0) {
            return List.of();
        }
        Deque<JournalEntry> last = new ArrayDeque<>();
        for (Path p : List.of(previous, current)) {
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                last.addLast(parse(line));
                if (last.size() > lines) {
                    last.removeFirst();
                }
            }
        }
        return new ArrayList<>(last);
    }

    /** Replays the last {@code lines} entries to {@code consumer}, then every new one until closed. */
    public synchronized Subscription follow(int lines, Consumer<JournalEntry> consumer) throws IOException {
        tail(lines).forEach(consumer);
        followers.add(consumer);
        return () -> followers.remove(consumer);
    }

    /** Total bytes on disk. */
    public synchronized long size() throws IOException {
        long total = 0;
        for (Path p : List.of(previous, current)) {
            total += Files.exists(p) ? Files.size(p) : 0;
        }
        return total;
    }

    /**
     * Reads one line of a journal file back; a line not in {@link JournalEntry#format()}'s layout becomes an
     * entry at the epoch from {@code ?} with the whole line as its message.
     */
    public static JournalEntry parse(String line) {
        try {
            int space = line.indexOf(' ');
            int open = line.indexOf('[', space);
            int close = line.indexOf("]: ", open);
            return new JournalEntry(Instant.parse(line.substring(0, space)), line.substring(space + 1, open),
                    Long.parseLong(line.substring(open + 1, close)), line.substring(close + 3));
        } catch (DateTimeParseException | IndexOutOfBoundsException | NumberFormatException e) {
            return new JournalEntry(Instant.EPOCH, "?", 0, line);
        }
    }
}
