package dev.flotilla.store.etcd;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.store.KeepAlive;
import dev.flotilla.store.LeaseListener;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;

/**
 * Keeps one lease alive: renews it at once, then every third of its TTL; retries failed renewals
 * every half second (or a quarter TTL when that is shorter); tells the listener once, and stops,
 * when etcd says the lease is gone. Renewals are single requests (not jetcd's shared keep-alive
 * stream) so each one has a deadline and an outcome the connection monitor sees. Thread-safe.
 */
final class LeaseKeeper implements KeepAlive {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
    private static final Duration RETRY = Duration.ofMillis(500);
    private static final Duration MIN_PERIOD = Duration.ofMillis(100);

    /** One renewal: returns the lease's TTL after it. */
    @FunctionalInterface
    interface Renewal {
        Duration renew(long leaseId) throws StoreException;
    }

    private final long leaseId;
    private final LeaseListener listener;
    private final Renewal renewal;
    private final ScheduledExecutorService scheduler;
    private final Executor workers;
    private final Runnable onClose;

    private final Object lock = new Object();
    private boolean closed; // guarded by lock
    private ScheduledFuture<?> next; // guarded by lock
    private Duration ttl; // guarded by lock: the TTL last granted, null before the first renewal

    LeaseKeeper(long leaseId, LeaseListener listener, Renewal renewal, ScheduledExecutorService scheduler,
                Executor workers, Runnable onClose) {
        this.leaseId = leaseId;
        this.listener = listener;
        this.renewal = renewal;
        this.scheduler = scheduler;
        this.workers = workers;
        this.onClose = onClose;
    }

    void start() {
        schedule(Duration.ZERO);
    }

    @Override
    public long leaseId() {
        return leaseId;
    }

    private void schedule(Duration delay) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                next = scheduler.schedule(() -> workers.execute(this::renewOnce), delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                closed = true; // the store is closing
            }
        }
    }

    private void renewOnce() {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        try {
            Duration granted = renewal.renew(leaseId);
            synchronized (lock) {
                ttl = granted;
            }
            schedule(max(granted.dividedBy(3), MIN_PERIOD));
        } catch (LeaseNotFoundException e) {
            boolean tell;
            synchronized (lock) {
                tell = !closed;
                closed = true;
            }
            if (tell) {
                LOG.warn("lease {} is gone (expired or revoked); stopped keeping it alive", Long.toHexString(leaseId));
                try {
                    listener.leaseLost(leaseId);
                } catch (RuntimeException listenerError) {
                    LOG.warn("the listener of lease {} threw", Long.toHexString(leaseId), listenerError);
                }
                onClose.run();
            }
        } catch (TransientStoreException e) {
            LOG.debug("renewing lease {} failed, retrying: {}", Long.toHexString(leaseId), e.getMessage());
            schedule(retryDelay());
        } catch (StoreException e) {
            LOG.warn("renewing lease {} was refused, retrying: {}", Long.toHexString(leaseId), e.getMessage());
            schedule(retryDelay());
        }
    }

    private Duration retryDelay() {
        synchronized (lock) {
            return ttl == null ? RETRY : max(MIN_PERIOD, min(RETRY, ttl.dividedBy(4)));
        }
    }

    /** Stops renewing; the lease then expires on its own. Idempotent; the listener is not called. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        }
        onClose.run();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
