package dev.flotilla.store.embedded;

import dev.flotilla.store.KeyValue;
import dev.flotilla.store.Op;
import dev.flotilla.store.StoreException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Collects the key changes of one write at the next revision, reading through its own pending
 * changes, and turns them into a {@link Commit}. Changes nothing until the commit is applied.
 * Not thread-safe; used under the store's write lock.
 */
final class WriteBatch {

    private final Keyspace keyspace;
    private final long revision;
    private final Map<String, Commit.KeyChange> changes = new LinkedHashMap<>();

    WriteBatch(Keyspace keyspace) {
        this.keyspace = keyspace;
        this.revision = keyspace.revision() + 1;
    }

    /** Writes the key at this batch's revision. The value is copied: callers may reuse their array. */
    void put(String key, byte[] value, long lease) {
        KeyValue before = current(key);
        long createRevision = before == null ? revision : before.createRevision();
        long version = before == null ? 1 : before.version() + 1;
        record(key, new KeyValue(key, value.clone(), createRevision, revision, version, lease));
    }

    /** Deletes the key; returns whether it existed. */
    boolean delete(String key) {
        if (current(key) == null) {
            return false;
        }
        record(key, null);
        return true;
    }

    /** Deletes every key under the prefix, in key order; returns how many existed. */
    long deletePrefix(String prefix) {
        NavigableSet<String> candidates = new TreeSet<>(KeyOrder.INSTANCE);
        keyspace.range(prefix).forEach(kv -> candidates.add(kv.key()));
        changes.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(candidates::add);
        long deleted = 0;
        for (String key : candidates) {
            if (delete(key)) {
                deleted++;
            }
        }
        return deleted;
    }

    /** The commit of the changes so far, with the given lease changes. */
    Commit toCommit(List<Commit.LeaseChange> leaseChanges, long nextLeaseId) {
        List<Commit.KeyChange> keys = List.copyOf(changes.values());
        return new Commit(keys.isEmpty() ? keyspace.revision() : revision, keys, leaseChanges, nextLeaseId);
    }

    /**
     * Refuses a transaction branch that writes one key twice (two puts, or a put inside a delete),
     * as etcd does ("duplicate key given in txn request"): the outcome would depend on op order,
     * and the key would need two versions at one revision.
     *
     * @throws StoreException naming the key; nothing has been changed
     */
    static void checkNoDuplicateKeys(List<Op> branch) throws StoreException {
        Set<String> puts = new HashSet<>();
        for (Op op : branch) {
            if (op instanceof Op.Put put && !puts.add(put.key())) {
                throw new StoreException("txn refused: the branch puts key '" + put.key()
                        + "' twice; put each key at most once per branch");
            }
        }
        for (Op op : branch) {
            if (op instanceof Op.Delete del) {
                for (String key : puts) {
                    if (del.prefix() ? key.startsWith(del.key()) : key.equals(del.key())) {
                        throw new StoreException("txn refused: the branch both puts key '" + key
                                + "' and deletes it (delete of '" + del.key() + (del.prefix() ? "' as prefix" : "'")
                                + "); a branch may touch each key once");
                    }
                }
            }
        }
    }

    private KeyValue current(String key) {
        Commit.KeyChange change = changes.get(key);
        return change != null ? change.after() : keyspace.get(key).orElse(null);
    }

    private void record(String key, KeyValue after) {
        Commit.KeyChange earlier = changes.get(key);
        KeyValue before = earlier != null ? earlier.before() : keyspace.get(key).orElse(null);
        if (before == null && after == null) {
            changes.remove(key); // created and deleted within the batch: no change at all
        } else {
            changes.put(key, new Commit.KeyChange(key, before, after));
        }
    }
}
