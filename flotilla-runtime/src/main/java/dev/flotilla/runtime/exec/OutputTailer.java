package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongPredicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.support.RecordFiles;
import dev.flotilla.runtime.support.UnitJournal;

/**
 * Moves what a unit's commands write ({@code <seq>.out} files in its run directory) into its
 * journal, one timestamped entry per line, remembering how far it read in {@code <seq>.off} so a
 * new agent continues where a dead one stopped (a line may then appear twice, never be lost).
 * Lines are stamped when read: output written while no agent ran gets the time the next agent read
 * it. A partial last line waits for its line break until its command is gone. Consumed output is
 * freed on disk by punching a hole, so a long-running chatty command does not fill the disk. Files
 * of finished commands the lifecycle no longer needs are deleted. Thread-safe ({@link #drain} is
 * serialised).
 */
final class OutputTailer {

    private static final Logger LOG = LoggerFactory.getLogger(OutputTailer.class);
    private static final int MAX_LINE = 16 * 1024;
    private static final long PUNCH_EVERY = 1 << 20;
    private static final int CHUNK = 256 * 1024;

    private final Path runDir;
    private final UnitJournal journal;
    private final InstantSource clock;
    private final LongPredicate referenced;
    private final Map<Long, Long> punched = new HashMap<>();
    private boolean punchUnsupported;

    /** A tailer of {@code runDir} into {@code journal}; {@code referenced} says whether the lifecycle still needs a command's files. */
    OutputTailer(Path runDir, UnitJournal journal, InstantSource clock, LongPredicate referenced) {
        this.runDir = runDir;
        this.journal = journal;
        this.clock = clock;
        this.referenced = referenced;
    }

    /** Reads new output of every command into the journal; deletes what is finished and unneeded. */
    synchronized void drain() {
        List<Long> seqs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir, "*.out")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                try {
                    seqs.add(Long.parseLong(n.substring(0, n.length() - 4)));
                } catch (NumberFormatException e) {
                    // not ours
                }
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", runDir, e.toString());
            return;
        }
        seqs.sort(null);
        for (long seq : seqs) {
            try {
                drain(seq);
            } catch (IOException e) {
                LOG.warn("cannot move output {} of {} into the journal: {}", seq, runDir, e.toString());
            }
        }
    }

    private void drain(long seq) throws IOException {
        Invocation inv = Invocation.load(runDir, seq).orElse(null);
        boolean finished = inv == null ? isStale(seq) : !inv.shimAlive();
        Path out = runDir.resolve(seq + ".out");
        long offset = readOffset(seq);
        long size = Files.size(out);
        if (size > offset) {
            offset = copy(seq, out, offset, size, finished, inv);
        }
        if (finished && offset >= Files.size(out) && !referenced.test(seq)) {
            for (String ext : List.of(".out", ".off", ".inv", ".pid", ".exits", ".env", ".pid.tmp")) {
                Files.deleteIfExists(runDir.resolve(seq + ext));
            }
            punched.remove(seq);
        }
    }

    /** An output file without a record: the launcher died before writing it; give it a minute. */
    private boolean isStale(long seq) throws IOException {
        return Files.getLastModifiedTime(runDir.resolve(seq + ".out")).toInstant().plusSeconds(60).isBefore(clock.instant());
    }

    private long copy(long seq, Path out, long offset, long size, boolean finished, Invocation inv) throws IOException {
        String identifier = inv == null ? "unknown" : inv.identifier;
        long pid = 0;
        if (inv != null) {
            OptionalLong main = inv.mainPid();
            pid = main.isPresent() ? main.getAsLong() : inv.shim.pid();
        }
        List<JournalEntry> entries = new ArrayList<>();
        long consumed = offset;
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            long pos = offset;
            byte[] pending = new byte[0];
            while (pos < size) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                pos += n;
                byte[] data = new byte[pending.length + n];
                System.arraycopy(pending, 0, data, 0, pending.length);
                System.arraycopy(buf.array(), 0, data, pending.length, n);
                int lineStart = 0;
                for (int i = 0; i < data.length; i++) {
                    if (data[i] == '\n' || i - lineStart >= MAX_LINE) {
                        int end = data[i] == '\n' ? i : i + 1;
                        entries.add(entry(identifier, pid, data, lineStart, end));
                        lineStart = i + 1;
                    }
                }
                consumed = pos - (data.length - lineStart);
                pending = java.util.Arrays.copyOfRange(data, lineStart, data.length);
            }
            if (finished && pending.length > 0) {
                entries.add(entry(identifier, pid, pending, 0, pending.length));
                consumed += pending.length;
            }
        }
        journal.append(entries);
        writeOffset(seq, consumed);
        punch(seq, out, consumed);
        return consumed;
    }

    private JournalEntry entry(String identifier, long pid, byte[] data, int from, int to) {
        int end = to > from && data[to - 1] == '\r' ? to - 1 : to;
        return new JournalEntry(clock.instant(), identifier, pid, new String(data, from, end - from, StandardCharsets.UTF_8));
    }

    private void punch(long seq, Path out, long consumed) {
        long done = punched.getOrDefault(seq, 0L);
        long upTo = consumed & ~4095L;
        if (punchUnsupported || upTo - done < PUNCH_EVERY) {
            return;
        }
        int errno = Posix.punchHole(out, upTo);
        if (errno == 0) {
            punched.put(seq, upTo);
        } else {
            punchUnsupported = true;
            LOG.warn("cannot free consumed output of {} (errno {}): the file system does not punch holes; output "
                    + "files of long-running commands will grow until the command ends", out, errno);
        }
    }

    private long readOffset(long seq) {
        try {
            return Long.parseLong(Files.readString(runDir.resolve(seq + ".off")).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private void writeOffset(long seq, long offset) throws IOException {
        RecordFiles.atomicWrite(runDir.resolve(seq + ".off"), Long.toString(offset));
    }
}
