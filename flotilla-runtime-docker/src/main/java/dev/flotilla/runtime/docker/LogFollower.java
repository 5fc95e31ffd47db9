package dev.flotilla.runtime.docker;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

import dev.flotilla.runtime.JournalEntry;

/**
 * Copies one container's stdout and stderr into its unit's journal as the engine hands them out ({@code docker
 * logs --follow --timestamps}), each line stamped with the engine's time. Starts after a {@link
 * ContainerJournal.LogCursor}, so a new runtime continues where the last one stopped reading and no line is
 * journaled twice. The stream ends when the container stops; {@link #awaitEnd} waits for its last lines.
 * Thread-safe.
 */
final class LogFollower implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LogFollower.class);

    private final ContainerJournal journal;
    private final String identifier;
    private final long pid;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Map<StreamType, StringBuilder> partial = new EnumMap<>(StreamType.class);
    private final Callback callback = new Callback();
    private Instant skipUntil;
    private int skipAt;

    private LogFollower(ContainerJournal journal, String identifier, long pid, ContainerJournal.LogCursor cursor) {
        this.journal = journal;
        this.identifier = identifier;
        this.pid = pid;
        this.skipUntil = cursor.time();
        this.skipAt = cursor.seen();
    }

    /** Follows container {@code id}'s log from {@code cursor} on, writing lines as {@code identifier[pid]}. */
    static LogFollower start(Engine engine, String id, String identifier, long pid, ContainerJournal journal,
            ContainerJournal.LogCursor cursor) throws Engine.EngineException {
        LogFollower f = new LogFollower(journal, identifier, pid, cursor);
        engine.run("reading the log of container " + id, () -> engine.slow().logContainerCmd(id).withFollowStream(true)
                .withTimestamps(true).withStdOut(true).withStdErr(true)
                .withSince((int) Math.max(0, cursor.time().getEpochSecond())).exec(f.callback));
        return f;
    }

    /** Waits at most {@code timeout} for the stream to end (the container stopped and its last lines are in). */
    boolean awaitEnd(Duration timeout) {
        try {
            return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the stream has ended (the container stopped, or the connection to the engine broke). */
    boolean hasEnded() {
        return ended.getCount() == 0;
    }

    @Override
    public void close() {
        try {
            callback.close();
        } catch (IOException e) {
            // The stream's socket is gone either way.
        }
        ended.countDown();
    }

    private synchronized void onFrame(Frame frame) {
        String text = new String(frame.getPayload(), StandardCharsets.UTF_8);
        StreamType stream = frame.getStreamType();
        List<JournalEntry> entries = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            String piece = text.substring(start, nl < 0 ? text.length() : nl);
            start = nl < 0 ? text.length() : nl + 1;
            int space = piece.indexOf(' ');
            Instant time;
            String message;
            try {
                time = Instant.parse(piece.substring(0, Math.max(0, space)));
                message = piece.substring(space + 1);
            } catch (DateTimeParseException | IndexOutOfBoundsException e) {
                time = Instant.now();
                message = piece;
            }
            if (time.isBefore(skipUntil) || time.equals(skipUntil) && skipAt-- > 0) {
                continue;
            }
            StringBuilder pending = partial.computeIfAbsent(stream, s -> new StringBuilder());
            pending.append(message);
            if (nl >= 0) {
                entries.add(new JournalEntry(time, identifier, pid, pending.toString().replace("\r", "")));
                pending.setLength(0);
            }
        }
        append(entries);
    }

    private synchronized void flush() {
        List<JournalEntry> rest = new ArrayList<>();
        partial.values().stream().filter(b -> !b.isEmpty())
                .forEach(b -> rest.add(new JournalEntry(Instant.now(), identifier, pid, b.toString())));
        partial.clear();
        append(rest);
    }

    private void append(List<JournalEntry> entries) {
        try {
            journal.append(entries);
        } catch (IOException e) {
            LOG.warn("cannot write the journal of {}: {}", identifier, e.toString());
        }
    }

    private final class Callback extends ResultCallback.Adapter<Frame> {
        @Override
        public void onNext(Frame frame) {
            onFrame(frame);
        }

        @Override
        public void onComplete() {
            flush();
            ended.countDown();
            super.onComplete();
        }

        @Override
        public void onError(Throwable throwable) {
            flush();
            ended.countDown();
            LOG.debug("log stream of {} ended: {}", identifier, throwable.toString());
        }
    }
}
