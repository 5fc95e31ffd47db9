package dev.flotilla.engine;

import dev.flotilla.registry.RegistryEvent;
import dev.flotilla.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where watches, the connection listener and {@link Engine#close()} leave work for the engine's
 * thread, and where that thread waits for it. Producers never block beyond a short lock; the
 * engine thread drains everything at once. Deadlines are {@link System#nanoTime()} values: waiting
 * is monotonic, whatever the engine's clock says. Thread-safe.
 */
final class Inbox {

    /**
     * Everything that arrived since the last drain.
     *
     * @param events registry events of the current leader watch, in revision order
     * @param watchError the error that ended the current leader watch, or null
     * @param leaderKeyChanged whether the leader key changed (seen by a follower's watch) or its watch failed
     * @param connectionChanged whether the store's connection state changed
     * @param closed whether the engine is closing
     */
    record Drained(List<RegistryEvent> events, StoreException watchError, boolean leaderKeyChanged,
            boolean connectionChanged, boolean closed) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    // Must hold lock to access the fields below.
    private List<RegistryEvent> events = new ArrayList<>();
    private long generation;
    private StoreException watchError;
    private boolean leaderKeyChanged;
    private boolean connectionChanged;
    private boolean closed;
    private long lastEventNanos;

    /**
     * Starts a new leader-watch generation: events and errors of earlier watches (a closed watch may
     * still deliver a batch in progress) are dropped from now on, and any not yet drained are discarded.
     */
    long newGeneration() {
        lock.lock();
        try {
            events = new ArrayList<>();
            watchError = null;
            return ++generation;
        } finally {
            lock.unlock();
        }
    }

    /** Events of the leader watch of {@code gen}. */
    void offerEvents(long gen, List<RegistryEvent> batch) {
        lock.lock();
        try {
            if (gen == generation) {
                events.addAll(batch);
                lastEventNanos = System.nanoTime();
                arrived.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The leader watch of {@code gen} ended with {@code error}. */
    void watchFailed(long gen, StoreException error) {
        lock.lock();
        try {
            if (gen == generation) {
                watchError = error;
                arrived.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The leader key changed, or the follower's watch of it failed. */
    void leaderKeyChanged() {
        signal(() -> leaderKeyChanged = true);
    }

    /** The store's connection state changed. */
    void connectionChanged() {
        signal(() -> connectionChanged = true);
    }

    /** The engine is closing: every wait ends now and later ones return at once. */
    void close() {
        signal(() -> closed = true);
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Takes everything that arrived. */
    Drained drain() {
        lock.lock();
        try {
            Drained d = new Drained(events, watchError, leaderKeyChanged, connectionChanged, closed);
            events = new ArrayList<>();
            watchError = null;
            leaderKeyChanged = false;
            connectionChanged = false;
            return d;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until anything is there to drain, or until {@code deadlineNanos}. */
    void awaitAnything(long deadlineNanos) {
        lock.lock();
        try {
            while (!closed && events.isEmpty() && watchError == null && !leaderKeyChanged && !connectionChanged) {
                if (!awaitUntil(deadlineNanos)) {
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no event has arrived for {@code quietNanos}, or until {@code deadlineNanos};
     * returns early on anything but events (close, connection, leader key, watch error).
     */
    void awaitQuiet(long quietNanos, long deadlineNanos) {
        lock.lock();
        try {
            while (!closed && watchError == null && !leaderKeyChanged && !connectionChanged) {
                long now = System.nanoTime();
                long quietAt = lastEventNanos + quietNanos;
                if (quietAt - now <= 0 || deadlineNanos - now <= 0) {
                    return;
                }
                awaitUntil(quietAt - deadlineNanos < 0 ? quietAt : deadlineNanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits on the condition until {@code deadlineNanos}; false once the deadline has passed. */
    private boolean awaitUntil(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            arrived.awaitNanos(left);
        } catch (InterruptedException e) {
            // Nobody interrupts the engine thread but the JVM going down: treat it as a close.
            Thread.currentThread().interrupt();
            closed = true;
        }
        return true;
    }

    private void signal(Runnable change) {
        lock.lock();
        try {
            change.run();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
