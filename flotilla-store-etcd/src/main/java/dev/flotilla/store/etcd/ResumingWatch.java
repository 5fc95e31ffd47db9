package dev.flotilla.store.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.store.CompactedException;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;

/**
 * A watch that delivers every event exactly once, in revision order, across broken connections.
 *
 * <p>jetcd resumes watches by itself, but from a point that can skip or repeat events: after the
 * "created" response it resumes from that response's header revision, which skips the history of
 * an older start revision when the stream breaks before the first events arrive, and repeats the
 * current revision for a watch "from now". So this class owns resumption: on any break it closes the
 * jetcd watcher and opens a new one from {@code nextRevision}, the revision after the last one
 * handed to the listener, and drops any event below it. Each jetcd watcher is a numbered
 * generation; callbacks of older generations are ignored.
 *
 * <p>Lock order: never call jetcd while holding {@link #lock} (jetcd calls back under its own).
 */
final class ResumingWatch implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(ResumingWatch.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 2_000;
    /** Refusals (not transient, not compaction) in a row before the watch gives up and reports. */
    private static final int MAX_REFUSALS = 3;

    private final io.etcd.jetcd.Watch client;
    private final String keyOrPrefix;
    private final boolean prefix;
    private final WatchListener listener;
    private final SerialExecutor delivery;
    private final ScheduledExecutorService scheduler;
    private final ConnectionMonitor monitor;
    private final EtcdErrors errors;
    private final Runnable onClose;

    private final Object lock = new Object();
    private long nextRevision; // guarded by lock: the first revision not yet handed to the listener
    private int generation; // guarded by lock: only the watcher of this generation is listened to
    private io.etcd.jetcd.Watch.Watcher watcher; // guarded by lock
    private boolean closed; // guarded by lock
    private long backoffMillis = MIN_BACKOFF_MS; // guarded by lock
    private int refusals; // guarded by lock

    ResumingWatch(io.etcd.jetcd.Watch client, ScheduledExecutorService scheduler, Executor workers,
                  ConnectionMonitor monitor, EtcdErrors errors, String keyOrPrefix, boolean prefix, long fromRevision,
                  WatchListener listener, Runnable onClose) {
        this.client = client;
        this.keyOrPrefix = keyOrPrefix;
        this.prefix = prefix;
        this.listener = listener;
        this.delivery = new SerialExecutor(workers, "watch of " + describe(keyOrPrefix, prefix));
        this.scheduler = scheduler;
        this.monitor = monitor;
        this.errors = errors;
        this.onClose = onClose;
        this.nextRevision = fromRevision;
    }

    /** Opens a jetcd watcher from {@link #nextRevision} as the next generation. */
    void open() {
        int gen;
        long from;
        synchronized (lock) {
            if (closed) {
                return;
            }
            gen = ++generation;
            from = nextRevision;
        }
        WatchOption option = EtcdMapping.watchOption(keyOrPrefix, prefix)
                .withRevision(from).withCreateNotify(true).withRequireLeader(true).build();
        io.etcd.jetcd.Watch.Watcher opened;
        try {
            opened = client.watch(prefix ? EtcdMapping.prefixStart(keyOrPrefix) : EtcdMapping.key(keyOrPrefix), option,
                    new GenerationListener(gen));
        } catch (RuntimeException e) { // the jetcd client is closed: the store is closing
            LOG.debug("cannot reopen watch of {}: {}", describe(keyOrPrefix, prefix), e.toString());
            return;
        }
        boolean stale;
        synchronized (lock) {
            stale = closed || gen != generation;
            if (!stale) {
                watcher = opened;
            }
        }
        if (stale) {
            opened.close();
        }
    }

    private void received(int gen, WatchResponse response) {
        synchronized (lock) {
            if (closed || gen != generation) {
                return;
            }
            backoffMillis = MIN_BACKOFF_MS;
            refusals = 0;
            List<WatchEvent> fresh = new ArrayList<>();
            for (io.etcd.jetcd.watch.WatchEvent event : response.getEvents()) {
                WatchEvent converted = EtcdMapping.watchEvent(event);
                if (converted.revision() >= nextRevision) { // at or below the last delivered: a repeat
                    fresh.add(converted);
                }
            }
            if (!fresh.isEmpty()) {
                nextRevision = fresh.getLast().revision() + 1;
                List<WatchEvent> batch = List.copyOf(fresh);
                delivery.execute(() -> deliver(batch));
            }
        }
        monitor.answered();
    }

    private void deliver(List<WatchEvent> batch) {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        listener.onEvents(batch);
    }

    /** The current generation's stream ended ({@code error} null: completed by the server). */
    private void broken(int gen, Throwable error) {
        io.etcd.jetcd.Watch.Watcher old;
        StoreException fatal = null;
        boolean transientFailure = false;
        long delay;
        synchronized (lock) {
            if (closed || gen != generation) {
                return;
            }
            generation++;
            old = watcher;
            watcher = null;
            delay = backoffMillis;
            backoffMillis = Math.min(2 * backoffMillis, MAX_BACKOFF_MS);
            Throwable cause = error == null ? null : EtcdErrors.unwrap(error);
            if (cause instanceof io.etcd.jetcd.common.exception.CompactedException compacted) {
                fatal = new CompactedException(nextRevision, compacted.getCompactedRevision() - 1);
            } else if (cause != null && EtcdErrors.isResumable(cause)) {
                transientFailure = true;
            } else if (cause != null && ++refusals >= MAX_REFUSALS) {
                fatal = errors.translate("watch of " + describe(keyOrPrefix, prefix), cause, 0);
            }
            closed = fatal != null;
        }
        if (old != null) {
            old.close();
        }
        if (fatal != null) {
            StoreException reported = fatal;
            LOG.warn("watch of {} ended: {}", describe(keyOrPrefix, prefix), reported.getMessage());
            delivery.execute(() -> listener.onError(reported));
            onClose.run();
            return;
        }
        if (transientFailure) {
            monitor.failed();
        }
        LOG.debug("watch of {} broke ({}); resuming from revision {} in {} ms", describe(keyOrPrefix, prefix),
                error, nextRevisionForLog(), delay);
        try {
            scheduler.schedule(this::open, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("store closing; watch of {} not resumed", describe(keyOrPrefix, prefix));
        }
    }

    private long nextRevisionForLog() {
        synchronized (lock) {
            return nextRevision;
        }
    }

    @Override
    public void close() {
        io.etcd.jetcd.Watch.Watcher current;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            current = watcher;
            watcher = null;
        }
        if (current != null) {
            current.close();
        }
        onClose.run();
    }

    static String describe(String keyOrPrefix, boolean prefix) {
        return (prefix ? "prefix '" : "key '") + keyOrPrefix + "'";
    }

    /** Forwards one jetcd watcher's callbacks, tagged with its generation. */
    private final class GenerationListener implements io.etcd.jetcd.Watch.Listener {
        private final int gen;

        GenerationListener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onNext(WatchResponse response) {
            received(gen, response);
        }

        @Override
        public void onError(Throwable error) {
            broken(gen, error);
        }

        @Override
        public void onCompleted() {
            broken(gen, null);
        }
    }
}
