package dev.flotilla.store.embedded;

import dev.flotilla.store.CompactedException;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Live watches are indexed by their key (or prefix), so that publishing a revision looks up the
 * watches each event's key matches instead of offering every event to every watch: with a thousand
 * agents on one store (two watches each) the unindexed offer loop took most of the write lock's time
 * and starved lease renewals (docs/benchmarks/notes/scale.md).
 */
final class WatchHub {

    /** One revision's events, as published. */
    private record RevisionEvents(long revision, List<WatchEvent> events) {
    }

    private final int historyLimit;
    private final Deque<RevisionEvents> history = new ArrayDeque<>();
    private final Set<WatchSubscription> live = ConcurrentHashMap.newKeySet();
    /** Live watches of one key, by that key. */
    private final Map<String, Set<WatchSubscription>> byKey = new ConcurrentHashMap<>();
    /** Live prefix watches, by their prefix. */
    private final Map<String, Set<WatchSubscription>> byPrefix = new ConcurrentHashMap<>();
    /** Every length a watched prefix has had (never shrinks: a stale length costs one failed lookup). */
    private final Set<Integer> prefixLengths = ConcurrentHashMap.newKeySet();
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
        Map<WatchSubscription, List<WatchEvent>> matched = new IdentityHashMap<>();
        for (WatchEvent event : events) {
            String key = event.kv().key();
            addTo(matched, byKey.get(key), event);
            for (int length : prefixLengths) {
                if (length <= key.length()) {
                    addTo(matched, byPrefix.get(key.substring(0, length)), event);
                }
            }
        }
        matched.forEach((watch, mine) -> watch.offerMatched(revision, mine));
    }

    private static void addTo(Map<WatchSubscription, List<WatchEvent>> matched, Set<WatchSubscription> watches,
            WatchEvent event) {
        if (watches != null) {
            for (WatchSubscription watch : watches) {
                matched.computeIfAbsent(watch, w -> new ArrayList<>()).add(event);
            }
        }
    }

    private void register(WatchSubscription watch) {
        live.add(watch);
        (watch.isPrefix() ? byPrefix : byKey).compute(watch.key(), (k, watches) -> {
            Set<WatchSubscription> out = watches == null ? ConcurrentHashMap.newKeySet() : watches;
            out.add(watch);
            return out;
        });
        if (watch.isPrefix()) {
            prefixLengths.add(watch.key().length());
        }
    }

    private void unregister(WatchSubscription watch) {
        live.remove(watch);
        (watch.isPrefix() ? byPrefix : byKey).computeIfPresent(watch.key(), (k, watches) -> {
            watches.remove(watch);
            return watches.isEmpty() ? null : watches;
        });
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
        WatchSubscription watch = new WatchSubscription(name, key, prefix, start, listener, this::unregister);
        if (start <= compactRevision) {
            watch.fail(new CompactedException(fromRevision, compactRevision));
        } else {
            if (start <= currentRevision) {
                replayInto(watch, start);
            }
            register(watch);
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
