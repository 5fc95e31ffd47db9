package dev.flotilla.store.embedded;

import dev.flotilla.store.KeyValue;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;
import java.util.List;

/**
 * Where an {@link EmbeddedKvStore} keeps its state between runs: nowhere ({@link InMemory}) or a
 * data directory ({@link MvStorePersistence}). The store calls it only under its write lock (and
 * {@link #close} once, after the last write), so implementations need not be thread-safe.
 */
sealed interface Persistence permits Persistence.InMemory, MvStorePersistence {

    /** The state as of the last successful {@link #write}, or an empty store. */
    Snapshot load() throws StoreException;

    /**
     * Makes the commit durable before returning.
     *
     * @throws TransientStoreException when it failed: the commit may or may not be durable, and the
     *     persistence has stopped (every later call fails); the store must not apply the commit
     */
    void write(Commit commit) throws StoreException;

    /** Releases the storage (for a data directory: its file and lock). Idempotent. */
    void close();

    /** Names the storage in messages, e.g. "in memory" or the data directory. */
    String describe();

    /** The persisted state: current keys and leases, the revision, and the next lease ID. */
    record Snapshot(long revision, long nextLeaseId, List<KeyValue> kvs, List<LeaseRecord> leases) {
        /** A store nothing was ever written to. */
        static final long FIRST_LEASE_ID = 1;

        public Snapshot {
            kvs = List.copyOf(kvs);
            leases = List.copyOf(leases);
        }

        static Snapshot empty() {
            return new Snapshot(Keyspace.INITIAL_REVISION, FIRST_LEASE_ID, List.of(), List.of());
        }
    }

    /** Keeps nothing: the state lives and dies with the process. */
    record InMemory() implements Persistence {
        @Override
        public Snapshot load() {
            return Snapshot.empty();
        }

        @Override
        public void write(Commit commit) {
        }

        @Override
        public void close() {
        }

        @Override
        public String describe() {
            return "in memory";
        }
    }
}
