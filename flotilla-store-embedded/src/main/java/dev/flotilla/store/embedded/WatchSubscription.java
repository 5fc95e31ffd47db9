package dev.flotilla.store.embedded;

import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * One watch: an unbounded queue the store's writers append to without blocking, drained in order
 * by the watch's own platform thread, which is the only thread that calls the listener. Not a
 * virtual thread: the engine and the agents learn of every change through watches, and a virtual
 * thread waits for a carrier behind whatever holds them (unit lifecycles in system calls during a
 * launch of hundreds of units held them for seconds).
 *
 * <p>Unbounded on purpose: a slow listener must not lose events, and must not hold up writers;
 * it costs memory instead (the events it has not yet taken). Several queued revisions may be
 * handed over in one {@link WatchListener#onEvents} call, never splitting a revision.
 *
 * <p>Thread-safe: {@link #offer} is called under the store's lock, {@link #close} from anywhere.
 */
final class WatchSubscription implements Watch {

    private static final System.Logger LOG = System.getLogger(WatchSubscription.class.getName());
    /** Queued revisions are merged into one listener call up to about this many events. */
    private static final int MAX_EVENTS_PER_CALL = 1_000;

    /** What the delivery thread takes from the queue. */
    private sealed interface Signal {
        record Events(List<WatchEvent> events) implements Signal {
        }

        record Failed(StoreException error) implements Signal {
        }

        record Ended() implements Signal {
        }
    }

    private final String name;
    private final String key;
    private final boolean prefix;
    private final long startRevision;
    private final WatchListener listener;
    private final Consumer<WatchSubscription> onClose;
    private final BlockingQueue<Signal> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    /**
     * @param startRevision events before this revision are ignored
     * @param onClose       called once when the watch ends, to unregister it
     */
    WatchSubscription(String name, String key, boolean prefix, long startRevision, WatchListener listener,
            Consumer<WatchSubscription> onClose) {
        this.name = name;
        this.key = key;
        this.prefix = prefix;
        this.startRevision = startRevision;
        this.listener = listener;
        this.onClose = onClose;
    }

    /** Starts the delivery thread (a daemon: a watch left open does not keep the JVM alive). */
    void start() {
        Thread.ofPlatform().daemon().name(name).start(this::deliver);
    }

    /** The key watched, or the prefix when {@link #isPrefix()}. */
    String key() {
        return key;
    }

    /** Whether every key starting with {@link #key()} is watched, not that key alone. */
    boolean isPrefix() {
        return prefix;
    }

    /** Queues this watch's share of one revision's events (nothing when none match). */
    void offer(long revision, List<WatchEvent> events) {
        List<WatchEvent> mine = new ArrayList<>();
        for (WatchEvent event : events) {
            String k = event.kv().key();
            if (prefix ? k.startsWith(key) : k.equals(key)) {
                mine.add(event);
            }
        }
        offerMatched(revision, mine);
    }

    /** Queues one revision's events that the caller found to match this watch, in revision order. */
    void offerMatched(long revision, List<WatchEvent> mine) {
        if (closed || revision < startRevision || mine.isEmpty()) {
            return;
        }
        queue.add(new Signal.Events(List.copyOf(mine)));
    }

    /** Ends the watch with an error, delivered after what is already queued. */
    void fail(StoreException error) {
        queue.add(new Signal.Failed(error));
    }

    /** Stops delivery; a listener call in progress finishes. Idempotent; never blocks. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.accept(this);
            queue.add(new Signal.Ended());
        }
    }

    private void deliver() {
        List<Signal> taken = new ArrayList<>();
        try {
            while (true) {
                taken.clear();
                taken.add(queue.take());
                queue.drainTo(taken);
                List<WatchEvent> batch = new ArrayList<>();
                for (Signal signal : taken) {
                    switch (signal) {
                        case Signal.Events e -> {
                            if (!batch.isEmpty() && batch.size() + e.events().size() > MAX_EVENTS_PER_CALL) {
                                handOver(batch);
                                batch = new ArrayList<>();
                            }
                            batch.addAll(e.events());
                        }
                        case Signal.Failed f -> {
                            handOver(batch);
                            if (!closed) {
                                close();
                                call(() -> listener.onError(f.error()));
                            }
                            return;
                        }
                        case Signal.Ended ignored -> {
                            return;
                        }
                    }
                }
                handOver(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handOver(List<WatchEvent> batch) {
        if (!batch.isEmpty() && !closed) {
            List<WatchEvent> events = List.copyOf(batch);
            call(() -> listener.onEvents(events));
        }
    }

    private void call(Runnable listenerCall) {
        try {
            listenerCall.run();
        } catch (RuntimeException e) {
            // A failing listener must not end the watch silently (it would miss every later event).
            LOG.log(System.Logger.Level.WARNING, "watch listener of " + name + " failed; the watch goes on", e);
        }
    }
}
