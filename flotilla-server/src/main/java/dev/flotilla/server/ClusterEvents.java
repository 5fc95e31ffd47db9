package dev.flotilla.server;

import java.time.Duration;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.api.ClusterEvent;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryEvent;
import dev.flotilla.registry.RegistryListener;
import dev.flotilla.registry.RegistrySnapshot;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;

/**
 * The cluster's events as one agent sees them, for {@code GET /v1/events}: a watch of the whole registry from
 * this agent's own store connection (so any agent serves the stream, not only the engine's leader), turned into
 * {@link ClusterEvent}s by an {@link EventProjector}, the last {@link #capacity()} kept in memory so that a client
 * can read what just happened, or resume where it left off ({@code Last-Event-ID}), and handed to subscribers.
 *
 * <p>Starts in the background: until the first read of the registry succeeds (the store may be down) there is
 * nothing to serve, and it keeps trying every second. When its watch ends (the store compacted the history it
 * needed), it reads the registry again and goes on; the events in between are lost, and subscribers are told with
 * a {@link ClusterEvent#GAP} notice. IDs are revision-based ({@code REVISION-INDEX}) and the same on every agent,
 * so a client may resume on another agent, as far as that agent still keeps the events after its ID.
 *
 * <p>Thread-safe. The watch's thread projects and fans out; subscribers' queues are bounded, and a subscriber
 * that falls {@value #QUEUE_CAPACITY} events behind is cut off (it may resume with its last ID).
 */
public final class ClusterEvents implements AutoCloseable {

    /** The events kept by default: about half a megabyte. */
    public static final int DEFAULT_CAPACITY = 1000;
    /** How far a subscriber may fall behind before it is cut off. */
    static final int QUEUE_CAPACITY = 10_000;
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** Put in a subscription's queue when it ends, to wake its reader; never shown. */
    private static final ClusterEvent WAKE = new ClusterEvent(null, "", "wake", null, null, Map.of());
    private static final Logger LOG = LoggerFactory.getLogger(ClusterEvents.class);

    /** An event's place in the stream: the store revision of its change and its index among that revision's events. */
    record Position(long revision, int index) implements Comparable<Position> {

        /** Before every event of every revision. */
        static final Position START = new Position(0, -1);

        /**
         * Parses {@code REVISION-INDEX}.
         *
         * @throws IllegalArgumentException when it is not that
         */
        static Position parse(String id) {
            int dash = id.indexOf('-');
            try {
                if (dash > 0) {
                    Position p = new Position(Long.parseLong(id.substring(0, dash)), Integer.parseInt(id.substring(dash + 1)));
                    if (p.revision >= 0 && p.index >= 0) {
                        return p;
                    }
                }
            } catch (NumberFormatException e) {
                // Reported below.
            }
            throw new IllegalArgumentException("event ID \"" + id + "\" is not one of this stream's (REVISION-INDEX, "
                    + "e.g. 1234-0)");
        }

        static Position of(ClusterEvent e) {
            return parse(e.id());
        }

        /** After every event of {@code revision}. */
        static Position endOf(long revision) {
            return new Position(revision, Integer.MAX_VALUE);
        }

        @Override
        public int compareTo(Position o) {
            int c = Long.compare(revision, o.revision);
            return c != 0 ? c : Integer.compare(index, o.index);
        }

        @Override
        public String toString() {
            return revision + "-" + index;
        }
    }

    /**
     * A subscriber's view of the stream: what it asked to see again first, then what happens, until closed.
     * Closed by the subscriber, by {@link ClusterEvents#close()}, or when it falls too far behind.
     */
    final class Subscription implements AutoCloseable {
        private final EventFilter filter;
        private final List<ClusterEvent> replay;
        private final Optional<String> position;
        private final LinkedBlockingQueue<ClusterEvent> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
        private volatile boolean closed;
        private volatile String closedBecause = "";

        private Subscription(EventFilter filter, List<ClusterEvent> replay, Optional<String> position) {
            this.filter = filter;
            this.replay = List.copyOf(replay);
            this.position = position;
        }

        /**
         * The ID of the last event kept when the subscription began (whether the filter let it through or not):
         * everything after it comes through the subscription, so a client that must reconnect resumes after it.
         */
        Optional<String> position() {
            return position;
        }

        /** The kept events the subscriber asked for, oldest first, a {@link ClusterEvent#GAP} first if some are lost. */
        List<ClusterEvent> replay() {
            return replay;
        }

        /** The next event, waiting at most {@code timeout}; empty when none came or the subscription is closed. */
        Optional<ClusterEvent> next(Duration timeout) throws InterruptedException {
            if (closed && queue.isEmpty()) {
                return Optional.empty();
            }
            ClusterEvent e = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return e == WAKE ? Optional.empty() : Optional.ofNullable(e);
        }

        /** Whether the subscription has ended (nothing more will come once the queue is drained). */
        boolean isClosed() {
            return closed;
        }

        /** Why it ended, when the stream did not: {@code ""} when the subscriber closed it. */
        String closedBecause() {
            return closedBecause;
        }

        private void offer(ClusterEvent e) {
            if (closed || !filter.matches(e)) {
                return;
            }
            if (!queue.offer(e)) {
                end("the client fell more than " + QUEUE_CAPACITY + " events behind; resume with the last event ID");
            }
        }

        private void end(String why) {
            closedBecause = why;
            closed = true;
            queue.offer(WAKE); // a reader waiting in next() returns now

            synchronized (lock) {
                subscribers.remove(this);
            }
        }

        @Override
        public void close() {
            end("");
        }
    }

    private final Registry registry;
    private final InstantSource clock;
    private final int capacity;
    private final ScheduledExecutorService retries;
    private final AtomicLong published = new AtomicLong();

    private final Object lock = new Object();
    /** The last events, oldest first. Guarded by lock. */
    private final ArrayDeque<ClusterEvent> kept = new ArrayDeque<>();
    /** Every event after this position is kept (or not yet seen). Guarded by lock. */
    private Position horizon = Position.endOf(Long.MAX_VALUE);
    /** Guarded by lock. */
    private final Set<Subscription> subscribers = new HashSet<>();
    /** Guarded by lock. */
    private Watch watch;
    /** Written by the watch's thread (and the first read); guarded by lock for the swap on a new read. */
    private EventProjector projector;
    private volatile boolean closed;

    private ClusterEvents(Registry registry, InstantSource clock, int capacity) {
        this.registry = registry;
        this.clock = clock;
        this.capacity = capacity;
        this.retries = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("flotilla-events-" + registry.root()).factory());
    }

    /**
     * Starts watching {@code registry} in the background, keeping the last {@code capacity} events.
     *
     * @throws IllegalArgumentException when {@code capacity} is not between 1 and 1,000,000
     */
    public static ClusterEvents start(Registry registry, InstantSource clock, int capacity) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(clock, "clock");
        if (capacity < 1 || capacity > 1_000_000) {
            throw new IllegalArgumentException("an events log keeps 1 to 1000000 events, not " + capacity);
        }
        ClusterEvents events = new ClusterEvents(registry, clock, capacity);
        events.retries.execute(events::begin);
        return events;
    }

    /** How many events are kept. */
    public int capacity() {
        return capacity;
    }

    /** How many events were seen since the start. */
    public long published() {
        return published.get();
    }

    /** How many subscribers are following now. */
    public int subscribers() {
        synchronized (lock) {
            return subscribers.size();
        }
    }

    /**
     * Subscribes to the events {@code filter} lets through. The replay is, with {@code after}, every kept event
     * after that ID (led by a {@link ClusterEvent#GAP} notice when some after it are no longer kept); else the
     * last {@code last} kept events. With {@code follow}, later events follow until the subscription is closed;
     * without, the subscription is closed at once and holds the replay only.
     */
    Subscription subscribe(EventFilter filter, Optional<String> after, int last, boolean follow) {
        Optional<Position> from = after.map(Position::parse);
        synchronized (lock) {
            List<ClusterEvent> replay = new ArrayList<>();
            if (from.isPresent()) {
                if (from.get().compareTo(horizon) < 0) {
                    replay.add(gap(from.get()));
                }
                for (ClusterEvent e : kept) {
                    if (Position.of(e).compareTo(from.get()) > 0 && filter.matches(e)) {
                        replay.add(e);
                    }
                }
            } else if (last > 0) {
                for (Iterator<ClusterEvent> it = kept.descendingIterator(); it.hasNext() && replay.size() < last; ) {
                    ClusterEvent e = it.next();
                    if (filter.matches(e)) {
                        replay.addFirst(e);
                    }
                }
            }
            Subscription s = new Subscription(filter, replay, Optional.ofNullable(kept.peekLast()).map(ClusterEvent::id));
            if (follow && !closed) {
                subscribers.add(s);
            } else {
                s.closed = true;
            }
            return s;
        }
    }

    /** Stops watching and ends every subscription. Idempotent. */
    @Override
    public void close() {
        closed = true;
        List<Subscription> ending;
        Watch w;
        synchronized (lock) {
            ending = new ArrayList<>(subscribers);
            w = watch;
            watch = null;
        }
        ending.forEach(s -> s.end("the agent is stopping"));
        if (w != null) {
            w.close();
        }
        retries.shutdownNow();
    }

    /** Reads the registry and watches it from there; on failure, tries again after {@link #RETRY}. */
    private void begin() {
        if (closed) {
            return;
        }
        try {
            RegistrySnapshot snapshot = registry.snapshot();
            EventProjector fresh = new EventProjector(snapshot, registry.services().list());
            synchronized (lock) {
                boolean resumed = projector != null;
                projector = fresh;
                kept.clear();
                horizon = Position.endOf(snapshot.revision());
                if (resumed) {
                    ClusterEvent notice = new ClusterEvent(null, now(), ClusterEvent.GAP, null, null,
                            Map.of("message", "this agent lost its watch of the store and read it again at revision "
                                    + snapshot.revision() + ": events before it may be missing"));
                    subscribers.forEach(s -> s.offer(notice));
                }
            }
            Watch started = registry.watch(snapshot.revision() + 1, new Listener(fresh));
            synchronized (lock) {
                if (closed) {
                    started.close();
                } else {
                    watch = started;
                }
            }
        } catch (StoreException | RuntimeException e) {
            LOG.debug("events: cannot read the registry yet ({}); trying again in {}", e.getMessage(), RETRY);
            retryLater();
        }
    }

    private void retryLater() {
        if (!closed) {
            try {
                retries.schedule(this::begin, RETRY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Closed meanwhile.
            }
        }
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private ClusterEvent gap(Position after) {
        String message = horizon.revision() == Long.MAX_VALUE
                ? "this agent has not read the store yet: events after " + after + " may be missing"
                : "this agent no longer keeps every event after " + after + " (it keeps the last " + capacity
                        + ", and none from before it started): some are missing";
        return new ClusterEvent(null, now(), ClusterEvent.GAP, null, null, Map.of("after", after.toString(),
                "message", message));
    }

    /** The watch of one read of the registry; ignored once a newer read replaced its projector. */
    private final class Listener implements RegistryListener {
        private final EventProjector mine;

        Listener(EventProjector mine) {
            this.mine = mine;
        }

        @Override
        public void onEvents(List<RegistryEvent> batch) {
            List<ClusterEvent> events = mine.project(batch, clock.instant());
            if (events.isEmpty()) {
                return;
            }
            synchronized (lock) {
                if (projector != mine) {
                    return;
                }
                for (ClusterEvent e : events) {
                    kept.addLast(e);
                    if (kept.size() > capacity) {
                        horizon = Position.of(kept.removeFirst());
                    }
                    for (Subscription s : List.copyOf(subscribers)) {
                        s.offer(e);
                    }
                }
                published.addAndGet(events.size());
            }
        }

        @Override
        public void onError(StoreException error) {
            synchronized (lock) {
                if (projector != mine) {
                    return;
                }
                watch = null;
            }
            LOG.warn("events: the registry watch ended ({}); reading the registry again", error.getMessage());
            retryLater();
        }
    }
}
