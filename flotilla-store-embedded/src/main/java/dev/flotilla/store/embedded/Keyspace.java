package dev.flotilla.store.embedded;

import dev.flotilla.store.Compare;
import dev.flotilla.store.KeyValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The current keys and the store revision: the MVCC state without its history (history lives in
 * {@link WatchHub}; this keeps only the newest version of each key, as a compacted etcd does).
 *
 * <p>Not thread-safe: the owning store reads it under its read lock and changes it (only through
 * {@link #apply}) under its write lock.
 */
final class Keyspace {

    /** The revision of an empty store, as in etcd: the first write is revision 2. */
    static final long INITIAL_REVISION = 1;

    private final NavigableMap<String, KeyValue> keys = new TreeMap<>(KeyOrder.INSTANCE);
    private long revision;

    Keyspace(long revision, Collection<KeyValue> kvs) {
        this.revision = revision;
        for (KeyValue kv : kvs) {
            keys.put(kv.key(), kv);
        }
    }

    /** The revision of the newest change (or {@link #INITIAL_REVISION} for an empty store). */
    long revision() {
        return revision;
    }

    Optional<KeyValue> get(String key) {
        return Optional.ofNullable(keys.get(key));
    }

    /** Every key starting with {@code prefix}, sorted by key. */
    List<KeyValue> range(String prefix) {
        List<KeyValue> found = new ArrayList<>();
        for (Map.Entry<String, KeyValue> e : keys.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            found.add(e.getValue());
        }
        return found;
    }

    /** The key itself, or every key under it when {@code prefix}. */
    List<KeyValue> select(String key, boolean prefix) {
        return prefix ? range(key) : get(key).map(List::of).orElseGet(List::of);
    }

    /** Whether a transaction's compare holds now. */
    boolean holds(Compare compare) {
        KeyValue kv = keys.get(compare.key());
        return switch (compare) {
            case Compare.Value v -> kv != null && Arrays.equals(kv.value(), v.value());
            case Compare.ModRevision m -> (kv == null ? 0 : kv.modRevision()) == m.modRevision();
            case Compare.Version v -> (kv == null ? 0 : kv.version()) == v.version();
        };
    }

    /** Applies the key changes of a commit that has been made durable. */
    void apply(Commit commit) {
        for (Commit.KeyChange change : commit.keys()) {
            if (change.after() == null) {
                keys.remove(change.key());
            } else {
                keys.put(change.key(), change.after());
            }
        }
        revision = commit.revision();
    }
}
