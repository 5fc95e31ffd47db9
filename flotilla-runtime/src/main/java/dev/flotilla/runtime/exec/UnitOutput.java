package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.support.UnitJournal;
import dev.flotilla.unit.Secrets;
import dev.flotilla.unit.UnitName;

/**
 * The output side of a unit: its journal, the tailer that fills it from the commands' output
 * files, the runtime's own lines, and which command files must be kept for the lifecycle.
 * Thread-safe and lock-free towards the unit: the tailer may run while the unit's lock is held by a
 * thread that writes a note.
 */
final class UnitOutput {

    private static final Logger LOG = LoggerFactory.getLogger(UnitOutput.class);

    final UnitJournal journal;
    final OutputTailer tailer;
    private final UnitName name;
    private final RuntimeServices services;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** The record's control and main sequence numbers. */
    private volatile long[] runningSeqs = {-1, -1};
    /** Invocations of the current run whose files the lifecycle may still read. */
    private final Set<Long> pinned = ConcurrentHashMap.newKeySet();

    UnitOutput(UnitName name, Path dir, Path runDir, RuntimeServices services) {
        this.name = name;
        this.services = services;
        this.journal = new UnitJournal(dir, services.journalMaxBytes());
        this.tailer = new OutputTailer(runDir, journal, services.clock(), this::isReferenced);
    }

    /** Drains the commands' output on a runtime thread soon (coalesced). */
    void drainSoon() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                services.executor().execute(() -> {
                    drainScheduled.set(false);
                    tailer.drain();
                });
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false);
            }
        }
    }

    /**
     * Writes one of the runtime's own lines, after the output read so far. Its secret-looking values are
     * masked ({@link Secrets#redact}): notes quote command lines and settings.
     */
    void note(String raw) {
        String message = Secrets.redact(raw);
        tailer.drain();
        try {
            journal.append(List.of(new JournalEntry(services.clock().instant(), "flotilla", ProcessHandle.current().pid(),
                    message)));
        } catch (IOException e) {
            LOG.warn("{}: {} (journal not writable: {})", name, message, e.toString());
        }
    }

    /** The record now references these control and main invocations (-1: none). */
    void running(long controlSeq, long mainSeq) {
        runningSeqs = new long[] {controlSeq, mainSeq};
    }

    /** Keeps invocation {@code seq}'s files until {@link #unpinAll()}, so the tailer does not delete them early. */
    void pin(long seq) {
        pinned.add(seq);
    }

    /** The run is over: its finished commands' files may go once their output is read. */
    void unpinAll() {
        pinned.clear();
    }

    private boolean isReferenced(long seq) {
        long[] running = runningSeqs;
        return pinned.contains(seq) || seq == running[0] || seq == running[1];
    }
}
