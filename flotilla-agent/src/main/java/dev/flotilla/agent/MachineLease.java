package dev.flotilla.agent;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.Lease;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;

/**
 * The machine's lease and its renewals. Renews with single {@link KvStore#keepAliveOnce} calls (not
 * the store's background keep-alive) because fencing needs what that hides: when the last renewal
 * that succeeded was sent. {@link #validUntil()} is that send time plus the TTL the store granted,
 * the earliest moment the store may expire the lease. Renews every third of the TTL, measured from
 * the last send; retries failures every tenth of the TTL (at most 500 ms); tells the
 * {@link LossListener} once, and stops, when the store says the lease is gone. Thread-safe.
 *
 * <p><b>Timeliness.</b> Renewals run on a platform thread of their own that does nothing else: it
 * sleeps until the next renewal, sends it and waits for the answer. The kernel schedules it
 * preemptively, so however busy the machine is it gets the CPU within a scheduling period (tens of
 * milliseconds with hundreds of runnable processes), far below the TTL. It must never be a virtual
 * thread: virtual threads are not preempted, and the exec runtime's unit lifecycles, HTTP requests
 * and store watches run on the same few carriers (one per core); under a launch of 1,000 units
 * they held every carrier for longer than the TTL, a renewer that was a virtual thread overslept
 * its 1.7 s sleep by 6 to 25 s, and every agent fenced (docs/benchmarks.md). What remains is the
 * store: a renewal waits for the store to answer (the embedded store's write lock, held per small
 * commit; etcd's round trip), at most the request timeout.
 */
final class MachineLease implements AutoCloseable {

    /** Told once when the store says the lease is gone. */
    @FunctionalInterface
    interface LossListener {
        void leaseLost(long leaseId, String reason);
    }

    /** Told after every keep-alive that succeeded, on the renewing thread. */
    @FunctionalInterface
    interface RenewalListener {
        void renewed(long leaseId, Instant validUntil);
    }

    private static final Logger LOG = LoggerFactory.getLogger(MachineLease.class);

    private final KvStore store;
    private final long id;
    private final InstantSource clock;
    private final LossListener listener;
    private final RenewalListener renewals;
    private final Thread renewer;
    private volatile Duration ttl;
    private volatile Instant validUntil;
    private volatile boolean closed;

    private MachineLease(KvStore store, Lease lease, Instant sent, InstantSource clock, LossListener listener,
            RenewalListener renewals) {
        this.store = store;
        this.id = lease.id();
        this.clock = clock;
        this.listener = listener;
        this.renewals = renewals;
        this.ttl = lease.ttl();
        this.validUntil = sent.plus(lease.ttl());
        // A platform thread, never a virtual one: see "Timeliness" above. (Java thread priorities are
        // ignored on Linux unless the JVM runs as root with -XX:ThreadPriorityPolicy=1, so none is set.)
        this.renewer = Thread.ofPlatform().daemon().name("flotilla-lease-" + Long.toHexString(id))
                .unstarted(this::renewLoop);
    }

    /**
     * Grants a lease of {@code ttl} (the store may round it up) and starts renewing it.
     *
     * @throws StoreException when the store does not grant one
     */
    static MachineLease grant(KvStore store, Duration ttl, InstantSource clock, LossListener listener,
            RenewalListener renewals) throws StoreException {
        Instant sent = clock.instant();
        MachineLease lease = new MachineLease(store, store.grantLease(ttl), sent, clock, listener, renewals);
        lease.renewer.start();
        return lease;
    }

    /** The lease ID. */
    long id() {
        return id;
    }

    /** The TTL the store granted last. */
    Duration ttl() {
        return ttl;
    }

    /** The earliest moment the store may expire the lease, as far as the successful renewals tell. */
    Instant validUntil() {
        return validUntil;
    }

    private void renewLoop() {
        // Sleeping is paced by the monotonic clock; only validUntil reads the injected one.
        long next = System.nanoTime() + ttl.dividedBy(3).toNanos();
        while (!closed) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(Math.min(wait, ttl.toNanos())));
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            long sentNanos = System.nanoTime();
            Instant sent = clock.instant();
            try {
                Duration granted = store.keepAliveOnce(id);
                if (closed) {
                    return;
                }
                ttl = granted;
                validUntil = sent.plus(granted);
                next = sentNanos + granted.dividedBy(3).toNanos();
                renewals.renewed(id, validUntil);
            } catch (LeaseNotFoundException e) {
                if (!closed) {
                    closed = true;
                    listener.leaseLost(id, "the store says lease " + Long.toHexString(id)
                            + " is gone (revoked, or expired)");
                }
                return;
            } catch (StoreException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.debug("renewing lease {} failed, retrying: {}", Long.toHexString(id), e.toString());
                next = System.nanoTime() + retryDelay(ttl).toNanos();
            }
        }
    }

    /**
     * One keep-alive now, on the caller's thread (an agent closing gracefully, so that the next
     * agent over the same data directory gets the most time to take over): the new valid-until, or
     * empty when the store did not renew. Call it after {@link #close()}: the renewer is stopped.
     */
    Optional<Instant> renewOnce() {
        Instant sent = clock.instant();
        try {
            Duration granted = store.keepAliveOnce(id);
            ttl = granted;
            validUntil = sent.plus(granted);
            return Optional.of(validUntil);
        } catch (StoreException | RuntimeException e) {
            LOG.debug("the last renewal of lease {} failed: {}", Long.toHexString(id), e.toString());
            return Optional.empty();
        }
    }

    /** How long to wait before retrying a failed renewal: a tenth of the TTL, between 50 and 500 ms. */
    static Duration retryDelay(Duration ttl) {
        return Duration.ofMillis(Math.clamp(ttl.toMillis() / 10, 50, 500));
    }

    /** Stops renewing; the lease expires on its own unless revoked. Idempotent; the listener is not called. */
    @Override
    public void close() {
        closed = true;
        renewer.interrupt();
    }
}
