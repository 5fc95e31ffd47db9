package dev.flotilla.store.embedded;

import dev.flotilla.store.KeyValue;
import dev.flotilla.store.Lease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The live leases, which keys hang off each, and which lease is due next.
 *
 * <p>Not thread-safe, except {@link #earliestDeadline()}: the owning store reads it under its read
 * lock and changes it (only through {@link #apply}) under its write lock.
 */
final class LeaseTable {

    private final Map<Long, LeaseRecord> leases = new HashMap<>();
    private final Map<Long, Set<String>> attached = new HashMap<>();
    private final NavigableSet<LeaseRecord> byDeadline = new TreeSet<>(
            Comparator.comparing(LeaseRecord::deadline).thenComparingLong(LeaseRecord::id));
    private long nextLeaseId;
    /** Read without the lock, so that reads can tell cheaply whether some lease is due. */
    private volatile Instant earliestDeadline = Instant.MAX;

    LeaseTable(long nextLeaseId, Collection<LeaseRecord> live, Collection<KeyValue> kvs) {
        this.nextLeaseId = nextLeaseId;
        for (LeaseRecord lease : live) {
            upsert(lease);
        }
        for (KeyValue kv : kvs) {
            attach(kv);
        }
        refreshEarliest();
    }

    Optional<LeaseRecord> find(long id) {
        return Optional.ofNullable(leases.get(id));
    }

    boolean contains(long id) {
        return leases.containsKey(id);
    }

    /** The ID the next grant will use. */
    long nextLeaseId() {
        return nextLeaseId;
    }

    /** The keys attached to the lease, sorted; empty for an unknown lease. */
    List<String> keysOf(long id) {
        List<String> keys = new ArrayList<>(attached.getOrDefault(id, Set.of()));
        keys.sort(KeyOrder.INSTANCE);
        return keys;
    }

    /** The leases whose deadline is at or before {@code now}, the earliest first. */
    List<LeaseRecord> dueAt(Instant now) {
        List<LeaseRecord> due = new ArrayList<>();
        for (LeaseRecord lease : byDeadline) {
            if (lease.deadline().isAfter(now)) {
                break;
            }
            due.add(lease);
        }
        return due;
    }

    /** The deadline of the lease due first, or {@link Instant#MAX}. Safe to call from any thread. */
    Instant earliestDeadline() {
        return earliestDeadline;
    }

    /** Applies the lease and attachment changes of a commit that has been made durable. */
    void apply(Commit commit) {
        for (Commit.KeyChange change : commit.keys()) {
            if (change.before() != null) {
                detach(change.before());
            }
            if (change.after() != null) {
                attach(change.after());
            }
        }
        for (Commit.LeaseChange change : commit.leases()) {
            switch (change) {
                case Commit.LeaseChange.Upsert u -> upsert(u.lease());
                case Commit.LeaseChange.Removal r -> {
                    LeaseRecord old = leases.remove(r.id());
                    if (old != null) {
                        byDeadline.remove(old);
                    }
                    attached.remove(r.id());
                }
            }
        }
        nextLeaseId = commit.nextLeaseId();
        refreshEarliest();
    }

    private void upsert(LeaseRecord lease) {
        LeaseRecord old = leases.put(lease.id(), lease);
        if (old != null) {
            byDeadline.remove(old);
        }
        byDeadline.add(lease);
    }

    private void attach(KeyValue kv) {
        if (kv.lease() != Lease.NONE) {
            attached.computeIfAbsent(kv.lease(), id -> new HashSet<>()).add(kv.key());
        }
    }

    private void detach(KeyValue kv) {
        Set<String> keys = attached.get(kv.lease());
        if (keys != null) {
            keys.remove(kv.key());
            if (keys.isEmpty()) {
                attached.remove(kv.lease());
            }
        }
    }

    private void refreshEarliest() {
        earliestDeadline = byDeadline.isEmpty() ? Instant.MAX : byDeadline.first().deadline();
    }
}
