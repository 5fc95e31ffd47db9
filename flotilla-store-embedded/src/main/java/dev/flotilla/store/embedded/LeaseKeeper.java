package dev.flotilla.store.embedded;

import dev.flotilla.store.KeepAlive;
import dev.flotilla.store.LeaseListener;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A background keep-alive of one lease: renews it on the store's timer about three times per TTL
 * until closed, or until the lease is gone, in which case the listener is told exactly once (on a
 * virtual thread of its own, so a slow listener holds up no renewal). Thread-safe.
 */
final class LeaseKeeper implements KeepAlive {

    private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());

    /** Renews a lease once, as {@link dev.flotilla.store.KvStore#keepAliveOnce} does. */
    @FunctionalInterface
    interface Renewal {
        Duration renew(long leaseId) throws StoreException;
    }

    private final long leaseId;
    private final LeaseListener listener;
    private final Renewal renewal;
    private final Consumer<LeaseKeeper> onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile ScheduledFuture<?> task;

    /** @param onEnd called once when renewal stops for any reason, to unregister the keeper */
    LeaseKeeper(long leaseId, LeaseListener listener, Renewal renewal, Consumer<LeaseKeeper> onEnd) {
        this.leaseId = leaseId;
        this.listener = listener;
        this.renewal = renewal;
        this.onEnd = onEnd;
    }

    @Override
    public long leaseId() {
        return leaseId;
    }

    /** Schedules renewal every {@code ttl / 3} on {@code timer}. */
    void start(ScheduledExecutorService timer, Duration ttl) {
        long periodNanos = Math.max(ttl.toNanos() / 3, TimeUnit.MILLISECONDS.toNanos(10));
        task = timer.scheduleWithFixedDelay(this::renewOnce, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        if (ended.get()) {
            task.cancel(false); // ended while being scheduled
        }
    }

    /** The store says the lease is gone (revoked or expired): stop and tell the listener once. */
    void leaseGone() {
        if (end()) {
            Thread.ofVirtual().name("flotilla-lease-lost-" + Long.toHexString(leaseId)).start(() -> {
                try {
                    listener.leaseLost(leaseId);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "lease listener of " + Long.toHexString(leaseId) + " failed", e);
                }
            });
        }
    }

    /** Stops renewing without telling the listener: the store is closing, the lease is left to expire. */
    void stop() {
        end();
    }

    /** Stops renewing; the lease then expires on its own after its TTL. Idempotent. */
    @Override
    public void close() {
        end();
    }

    private void renewOnce() {
        if (ended.get()) {
            return;
        }
        try {
            renewal.renew(leaseId);
        } catch (LeaseNotFoundException e) {
            leaseGone();
        } catch (StoreException e) {
            // The store has stopped (closed, or its disk failed): nothing to renew against any more.
            LOG.log(System.Logger.Level.DEBUG, "keep-alive of lease " + Long.toHexString(leaseId) + " stops: " + e);
            stop();
        }
    }

    private boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> scheduled = task;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        onEnd.accept(this);
        return true;
    }
}
