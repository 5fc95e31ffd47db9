package dev.flotilla.store.embedded;

import dev.flotilla.store.Lease;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The state of an embedded store and the one discipline that keeps it consistent: every change
 * is a {@link Commit} built under the write lock, made durable, then applied to memory and
 * published to watchers, all before the lock is released. So revisions are strictly increasing
 * without gaps, and watchers see changes in exactly the order they were made.
 *
 * <p>Before every write and every read, leases past their deadline on the store's clock are
 * expired (one revision each), so no caller sees a key whose lease is due, whatever the
 * background check's timing.
 *
 * <p>Thread-safe. {@link #keyspace()}, {@link #leases()} and {@link #hub()} may be used only inside
 * {@link #read} or {@link #write} bodies ({@link #apply} only inside {@link #write}).
 */
final class StoreEngine {

    /** A body run under the write lock. */
    @FunctionalInterface
    interface Locked<T> {
        T run() throws StoreException;
    }

    private final InstantSource clock;
    private final Persistence persistence;
    /** Read lock to read keyspace, leases and history; write lock to change them or {@code stopped}. */
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Keyspace keyspace;
    private final LeaseTable leases;
    private final WatchHub hub;
    private final LongConsumer leaseRemoved;
    private final Consumer<StoreException> writeFailed;
    /** Why calls now fail (closed, or a failed write), or null while serving. */
    private volatile StoreException stopped;

    /**
     * Loads the persisted state.
     *
     * @param leaseRemoved told (under the write lock; must not block) of each lease revoked or expired
     * @param writeFailed  told when persisting a commit failed (the engine has already stopped)
     */
    StoreEngine(Persistence persistence, EmbeddedStoreOptions options, LongConsumer leaseRemoved,
            Consumer<StoreException> writeFailed) throws StoreException {
        this.clock = options.clock();
        this.persistence = persistence;
        this.leaseRemoved = leaseRemoved;
        this.writeFailed = writeFailed;
        Persistence.Snapshot snapshot = persistence.load();
        this.keyspace = new Keyspace(snapshot.revision(), snapshot.kvs());
        this.leases = new LeaseTable(snapshot.nextLeaseId(), snapshot.leases(), snapshot.kvs());
        // History is not persisted: after a reopen, every revision up to the loaded one is compacted.
        this.hub = new WatchHub(options.historySize(),
                snapshot.revision() > Keyspace.INITIAL_REVISION ? snapshot.revision() : 0);
    }

    Keyspace keyspace() {
        return keyspace;
    }

    LeaseTable leases() {
        return leases;
    }

    WatchHub hub() {
        return hub;
    }

    InstantSource clock() {
        return clock;
    }

    String describe() {
        return persistence.describe();
    }

    /** Whether some lease is past due. Cheap, lock-free. */
    boolean hasDueLease() {
        return !leases.earliestDeadline().isAfter(clock.instant());
    }

    /** Runs {@code body} under the read lock, after expiring due leases. @throws StoreException when stopped */
    <T> T read(Supplier<T> body) throws StoreException {
        if (hasDueLease()) {
            write(() -> null);
        }
        lock.readLock().lock();
        try {
            ensureServing();
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs {@code body} under the write lock, after expiring due leases. @throws StoreException when stopped */
    <T> T write(Locked<T> body) throws StoreException {
        lock.writeLock().lock();
        try {
            ensureServing();
            for (LeaseRecord due : leases.dueAt(clock.instant())) {
                apply(revocation(due.id()));
            }
            return body.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Persists, applies and publishes a commit; an empty one is returned as is. Caller holds the write lock.
     *
     * @throws StoreException when persisting failed; then nothing was applied and the engine has stopped
     */
    Commit apply(Commit commit) throws StoreException {
        if (commit.isEmpty()) {
            return commit;
        }
        try {
            persistence.write(commit);
        } catch (StoreException e) {
            writeFailed.accept(e);
            throw e;
        }
        keyspace.apply(commit);
        leases.apply(commit);
        if (!commit.keys().isEmpty()) {
            hub.publish(commit.revision(), commit.events());
        }
        for (Commit.LeaseChange change : commit.leases()) {
            if (change instanceof Commit.LeaseChange.Removal removal) {
                leaseRemoved.accept(removal.id());
            }
        }
        return commit;
    }

    /** The commit that removes a lease and deletes its keys at one revision. Caller holds the write lock. */
    Commit revocation(long leaseId) {
        WriteBatch batch = new WriteBatch(keyspace);
        leases.keysOf(leaseId).forEach(batch::delete);
        return batch.toCommit(List.of(new Commit.LeaseChange.Removal(leaseId)), leases.nextLeaseId());
    }

    /** @throws LeaseNotFoundException when {@code leaseId} is set but not a live lease. Caller holds a lock. */
    void requireLease(long leaseId) throws LeaseNotFoundException {
        if (leaseId != Lease.NONE && !leases.contains(leaseId)) {
            throw new LeaseNotFoundException(leaseId);
        }
    }

    /**
     * Stops serving: later calls throw a {@link StoreException} with {@code reason}'s message; watches
     * end, quietly or (when {@code failure}) with {@code reason}; the persistence is released.
     *
     * @return whether this call stopped the engine (false when it already was)
     */
    boolean stop(StoreException reason, boolean failure) {
        lock.writeLock().lock();
        try {
            if (stopped != null) {
                return false;
            }
            stopped = reason;
            if (failure) {
                hub.failAll(reason);
            } else {
                hub.closeAll();
            }
            persistence.close();
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void ensureServing() throws StoreException {
        StoreException reason = stopped;
        if (reason != null) {
            throw new StoreException(reason.getMessage(), reason);
        }
    }
}
