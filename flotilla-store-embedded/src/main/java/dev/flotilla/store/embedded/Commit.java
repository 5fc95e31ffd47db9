package dev.flotilla.store.embedded;

import dev.flotilla.store.KeyValue;
import dev.flotilla.store.WatchEvent;
import java.util.List;
import java.util.Objects;

/**
 * One atomic change of the store: what a write call persists, then applies to memory, then
 * publishes to watchers. Immutable.
 *
 * @param revision    the store revision after the change: one past the previous revision when
 *                    {@code keys} is not empty, the previous revision otherwise
 * @param keys        the keys changed, at most one entry per key, in the order the operations touched them
 * @param leases      the leases granted, renewed or removed
 * @param nextLeaseId the ID the next granted lease gets
 */
record Commit(long revision, List<KeyChange> keys, List<LeaseChange> leases, long nextLeaseId) {

    Commit {
        keys = List.copyOf(keys);
        leases = List.copyOf(leases);
    }

    /** Whether the commit changes nothing at all (so need not be written anywhere). */
    boolean isEmpty() {
        return keys.isEmpty() && leases.isEmpty();
    }

    /** The watch events of the key changes, in order; all at {@link #revision}. */
    List<WatchEvent> events() {
        return keys.stream().map(change -> change.toEvent(revision)).toList();
    }

    /**
     * One key's change.
     *
     * @param before the key before the commit, or null when it did not exist
     * @param after  the key after the commit, or null when the commit deletes it
     */
    record KeyChange(String key, KeyValue before, KeyValue after) {
        private static final byte[] NO_VALUE = new byte[0];

        KeyChange {
            Objects.requireNonNull(key, "key");
        }

        WatchEvent toEvent(long revision) {
            return after != null
                    ? new WatchEvent(WatchEvent.Type.PUT, after)
                    // Like etcd's tombstones: only the key and the revision of the delete.
                    : new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(key, NO_VALUE, 0, revision, 0, 0));
        }
    }

    /** A change of the lease table. */
    sealed interface LeaseChange {
        long id();

        /** A lease granted, or renewed with a new deadline. */
        record Upsert(LeaseRecord lease) implements LeaseChange {
            @Override
            public long id() {
                return lease.id();
            }
        }

        /** A lease revoked or expired; its keys are deleted by the same commit. */
        record Removal(long id) implements LeaseChange {
        }
    }
}
