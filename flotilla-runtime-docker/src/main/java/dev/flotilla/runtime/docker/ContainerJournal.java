package dev.flotilla.runtime.docker;

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
 * A container unit's journal: the container's stdout and stderr lines stamped with the engine's
 * timestamps, and the runtime's own lines ({@code flotilla[pid]}), in {@code journal} and, rotated, {@code
 * journal.1}: the same files and layout as the exec runtime's journals ({@link JournalEntry#format()}, one
 * line each), bounded by {@code maxBytes}. Thread-safe: appends, reads and follower registration are
 * serialised on this object, so a follower sees every entry once and in order.
 */
final class ContainerJournal {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerJournal.class);

    private final Path current;
    private final Path previous;
    private final long maxBytes;
    private final List<Consumer<JournalEntry>> followers = new CopyOnWriteArrayList<>();

    ContainerJournal(Path unitDir, long maxBytes) {
        this.current = unitDir.resolve("journal");
        this.previous = unitDir.resolve("journal.1");
        this.maxBytes = maxBytes;
    }

    /** Appends {@code entries}, rotating when the current file would pass half the bound, then tells the followers. */
    synchronized void append(List<JournalEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        long size = Files.exists(current) ? Files.size(current) : 0;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (JournalEntry e : entries) {
            byte[] line = (e.format().replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
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

    private void write(ByteArrayOutputStream pending) throws IOException {
        try (OutputStream out = Files.newOutputStream(current, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            pending.writeTo(out);
        }
        pending.reset();
    }

    /** The last {@code lines} entries, oldest first. */
    synchronized List<JournalEntry> tail(int lines) throws IOException {
        Deque<JournalEntry> last = new ArrayDeque<>();
        if (lines <= 0) {
            return List.of();
        }
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
    synchronized Subscription follow(int lines, Consumer<JournalEntry> consumer) throws IOException {
        tail(lines).forEach(consumer);
        followers.add(consumer);
        return () -> followers.remove(consumer);
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

    static JournalEntry parse(String line) {
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

    /**
     * A position in a container's log: lines stamped before {@code time}, and the first {@code seen} lines
     * stamped exactly {@code time}, are in the journal already.
     */
    record LogCursor(Instant time, int seen) {
        /** Nothing read yet. */
        static final LogCursor START = new LogCursor(Instant.EPOCH, 0);
    }
}
