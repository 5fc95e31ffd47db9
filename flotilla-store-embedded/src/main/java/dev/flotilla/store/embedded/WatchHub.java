package dev.flotilla.store.embedded;

import dev.flotilla.store.CompactedException;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recent event history and the live watches.
 *
 * <p>History is bounded by a number of events: when over the bound, the oldest revisions are
 * dropped whole, and {@link #compactRevision()} becomes the newest dropped revision; watches
 * from at or before it fail with {@link CompactedException}.
 *
 * <p>Locking: {@link #publish} and {@link #closeAll} run under the store's write lock,
 * {@link #subscribe} under its read (or write) lock, so a new watch's replay and its live events
 * meet without a gap or an overlap. Watches unregister themselves from any thread.
 */
final class WatchHub {

    /** One revision's events, as published. */
    private record RevisionEvents(long revision, List<WatchEvent> events) {
    }

    private final int historyLimit;
    private final Deque<RevisionEvents> history = new ArrayDeque<>();
    private final Set<WatchSubscription> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong watchIds = new AtomicLong();
    private int historyEvents;
    private long compactRevision;

    /**
     * @param historyLimit    how many events to keep for replay
     * @param compactRevision the newest revision whose events are already unavailable (0: none)
     */
    WatchHub(int historyLimit, long compactRevision) {
        this.historyLimit = historyLimit;
        this.compactRevision = compactRevision;
    }

    /** The newest revision whose events are no longer kept; watching from it or before fails. */
    long compactRevision() {
        return compactRevision;
    }

    /** Records one revision's events and queues them to every watch they match. Never blocks. */
    void publish(long revision, List<WatchEvent> events) {
        history.addLast(new RevisionEvents(revision, events));
        historyEvents += events.size();
        while (historyEvents > historyLimit && !history.isEmpty()) {
            RevisionEvents dropped = history.removeFirst();
            historyEvents -= dropped.events().size();
            compactRevision = dropped.revision();
        }
        for (WatchSubscription watch : live) {
            watch.offer(revision, events);
        }
    }

    /**
     * Starts a watch from {@code fromRevision} (0: after {@code currentRevision}): queues the
     * matching history, then registers it for live events. A compacted start revision gives a
     * watch that reports {@link CompactedException} to its listener and ends.
     */
    WatchSubscription subscribe(String key, boolean prefix, long fromRevision, long currentRevision,
            WatchListener listener) {
        long start = fromRevision == 0 ? currentRevision + 1 : fromRevision;
        String name = "flotilla-watch-" + watchIds.incrementAndGet() + (prefix ? " prefix " : " key ") + key;
        WatchSubscription watch = new WatchSubscription(name, key, prefix, start, listener, live::remove);
        if (start <= compactRevision) {
            watch.fail(new CompactedException(fromRevision, compactRevision));
        } else {
            if (start <= currentRevision) {
                replayInto(watch, start);
            }
            live.add(watch);
        }
        watch.start();
        return watch;
    }

    /** Ends every watch without telling their listeners (the store is closing). */
    void closeAll() {
        for (WatchSubscription watch : List.copyOf(live)) {
            watch.close();
        }
    }

    /** Ends every watch with {@code error}, after the events already queued to it (the store has stopped). */
    void failAll(StoreException error) {
        for (WatchSubscription watch : List.copyOf(live)) {
            watch.fail(error);
        }
    }

    /** How many events the history holds now. */
    int historyEvents() {
        return historyEvents;
    }

    private void replayInto(WatchSubscription watch, long start) {
        for (RevisionEvents r : history) {
            if (r.revision() >= start) {
                watch.offer(r.revision(), r.events());
            }
        }
    }
}
