package dev.flotilla.store.etcd;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.store.ConnectionState;
import dev.flotilla.store.ConnectionStateListener;

/**
 * Tracks whether etcd answers: {@code CONNECTED -> SUSPENDED} on a failed request or probe,
 * {@code SUSPENDED -> LOST} once nothing has answered for the session timeout, back to
 * {@code CONNECTED} on any answer. Requests report their outcome through {@link #answered()} and
 * {@link #failed()}; a probe (a cheap read) runs each tick while not connected, or when nothing
 * has answered for a probe interval, so a busy client sends no probes and an idle one one read per
 * interval. Listeners are called in order of the changes from one thread at a time.
 * Thread-safe.
 */
final class ConnectionMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionMonitor.class);

    private final long sessionTimeoutNanos;
    private final long probeIntervalNanos;
    private final Supplier<CompletableFuture<?>> probe;
    private final LongSupplier nanoClock;
    private final SerialExecutor notifications;
    private final String endpoints;
    private final List<ConnectionStateListener> listeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    private ConnectionState state = ConnectionState.CONNECTED; // guarded by lock
    private long lastAnswerNanos; // guarded by lock
    private boolean probing; // guarded by lock
    private ScheduledFuture<?> ticks; // guarded by lock

    /**
     * @param probe a cheap read whose future completes normally when etcd answered, exceptionally
     *     otherwise; it must carry its own deadline
     */
    ConnectionMonitor(Duration sessionTimeout, Duration probeInterval, Supplier<CompletableFuture<?>> probe,
                      LongSupplier nanoClock, Executor executor, String endpoints) {
        this.sessionTimeoutNanos = sessionTimeout.toNanos();
        this.probeIntervalNanos = probeInterval.toNanos();
        this.probe = Objects.requireNonNull(probe);
        this.nanoClock = nanoClock;
        this.notifications = new SerialExecutor(executor, "etcd connection state listener");
        this.endpoints = endpoints;
        this.lastAnswerNanos = nanoClock.getAsLong();
    }

    /** The probe interval for a session timeout: a fifth of it, between 50 ms and 1 s. */
    static Duration probeInterval(Duration sessionTimeout) {
        long millis = Math.clamp(sessionTimeout.toMillis() / 5, 50, 1_000);
        return Duration.ofMillis(millis);
    }

    /** Starts ticking every probe interval (the state so far follows the outcomes already reported). */
    void start(ScheduledExecutorService scheduler) {
        synchronized (lock) {
            ticks = scheduler.scheduleWithFixedDelay(this::tick, probeIntervalNanos, probeIntervalNanos,
                    TimeUnit.NANOSECONDS);
        }
    }

    ConnectionState state() {
        synchronized (lock) {
            return state;
        }
    }

    AutoCloseable addListener(ConnectionStateListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** etcd answered a request (successfully or with a refusal): it is reachable. */
    void answered() {
        synchronized (lock) {
            lastAnswerNanos = nanoClock.getAsLong();
            if (state != ConnectionState.CONNECTED) {
                change(ConnectionState.CONNECTED);
            }
        }
    }

    /** A request failed without an answer (unreachable, timed out). */
    void failed() {
        synchronized (lock) {
            if (state == ConnectionState.CONNECTED) {
                change(ConnectionState.SUSPENDED);
            }
            checkLost(nanoClock.getAsLong());
        }
    }

    /** One period: declares LOST when due, and probes when not connected or idle for an interval. */
    void tick() {
        boolean probeNow;
        synchronized (lock) {
            long now = nanoClock.getAsLong();
            checkLost(now);
            probeNow = !probing && (state != ConnectionState.CONNECTED || now - lastAnswerNanos >= probeIntervalNanos);
            probing |= probeNow;
        }
        if (probeNow) {
            CompletableFuture<?> result;
            try {
                result = probe.get();
            } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
            }
            result.whenComplete((ok, error) -> {
                synchronized (lock) {
                    probing = false;
                }
                if (error == null || !EtcdErrors.isTransient(error)) {
                    answered();
                } else {
                    LOG.debug("etcd probe failed: {}", error.toString());
                    failed();
                }
            });
        }
    }

    private void checkLost(long now) {
        if (state == ConnectionState.SUSPENDED && now - lastAnswerNanos > sessionTimeoutNanos) {
            change(ConnectionState.LOST);
        }
    }

    private void change(ConnectionState next) { // lock held: keeps notifications in order of changes
        ConnectionState previous = state;
        state = next;
        if (next == ConnectionState.CONNECTED) {
            LOG.info("etcd at {} answers again: {} -> CONNECTED", endpoints, previous);
        } else {
            LOG.warn("etcd at {} is not answering: {} -> {}", endpoints, previous, next);
        }
        notifications.execute(() -> {
            for (ConnectionStateListener listener : listeners) {
                try {
                    listener.stateChanged(previous, next);
                } catch (RuntimeException e) {
                    LOG.warn("a connection state listener threw on {} -> {}", previous, next, e);
                }
            }
        });
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (ticks != null) {
                ticks.cancel(false);
            }
        }
    }
}
