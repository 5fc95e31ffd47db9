package dev.flotilla.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.flotilla.store.Compare;
import dev.flotilla.store.ConnectionState;
import dev.flotilla.store.ConnectionStateListener;
import dev.flotilla.store.KeepAlive;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.Lease;
import dev.flotilla.store.LeaseListener;
import dev.flotilla.store.Op;
import dev.flotilla.store.RangeResult;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TxnResult;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchListener;

/**
 * A {@link KvStore} that counts every request it passes to the real store, by kind ({@code get}, {@code range},
 * {@code put}, {@code delete}, {@code txn}, {@code watch}, {@code keep-alive}, ...), and every key written, by kind
 * and the key's first component under the registry root ({@code put states/}, {@code txn-put schedule/}), so that
 * the store-cost benchmark can say what a unit start costs and who writes while the cluster is idle. A transaction
 * counts once as {@code txn} when the branch its compares chose writes, else as {@code txn-read} (a compare-and-skip
 * of an unchanged value), and each write of that branch once more by key.
 * Thread-safe.
 */
final class CountingKvStore implements KvStore {

    private final KvStore store;
    private final String root;
    private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> writes = new ConcurrentHashMap<>();

    CountingKvStore(KvStore store, String root) {
        this.store = store;
        this.root = root;
    }

    /**
     * What was counted since the last reset.
     *
     * @param requests requests by kind
     * @param writes keys written, by kind and prefix ({@code put states/})
     */
    record Counts(Map<String, Long> requests, Map<String, Long> writes) {

        /** Requests that change the store (lease keep-alives included, as etcd counts them). */
        long writeRequests() {
            return requests.entrySet().stream().filter(e -> isWrite(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        }

        /** Write requests other than lease keep-alives. */
        long writeRequestsBesideKeepAlives() {
            return writeRequests() - requests.getOrDefault("keep-alive", 0L);
        }

        long total() {
            return requests.values().stream().mapToLong(Long::longValue).sum();
        }

        static boolean isWrite(String kind) {
            return switch (kind) {
                case "put", "delete", "delete-prefix", "txn", "grant", "keep-alive", "revoke" -> true;
                default -> false;
            };
        }
    }

    /** The counts so far, and starts counting afresh. */
    Counts reset() {
        Counts out = new Counts(drain(requests), drain(writes));
        return out;
    }

    private static Map<String, Long> drain(ConcurrentHashMap<String, LongAdder> counters) {
        TreeMap<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> {
            long n = v.sumThenReset();
            if (n > 0) {
                out.put(k, n);
            }
        });
        return out;
    }

    private void count(String kind) {
        requests.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private void wrote(String kind, String key) {
        writes.computeIfAbsent(kind + " " + prefix(key), k -> new LongAdder()).increment();
    }

    /** The key's first component under the root ({@code states/}), or the key's first component outside it. */
    private String prefix(String key) {
        String rest = key.startsWith(root) ? key.substring(root.length()) : key;
        int slash = rest.indexOf('/', 1);
        if (rest.startsWith("schedule/")) {
            slash = rest.indexOf('/', "schedule/".length());
        }
        return slash < 0 ? rest : rest.substring(0, slash + 1);
    }

    @Override
    public Optional<KeyValue> get(String key) throws StoreException {
        count("get");
        return store.get(key);
    }

    @Override
    public RangeResult range(String prefix) throws StoreException {
        count("range");
        return store.range(prefix);
    }

    @Override
    public long put(String key, byte[] value, long leaseId) throws StoreException {
        count("put");
        wrote("put", key);
        return store.put(key, value, leaseId);
    }

    @Override
    public boolean delete(String key) throws StoreException {
        count("delete");
        wrote("delete", key);
        return store.delete(key);
    }

    @Override
    public long deletePrefix(String prefix) throws StoreException {
        count("delete-prefix");
        wrote("delete-prefix", prefix);
        return store.deletePrefix(prefix);
    }

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) throws StoreException {
        TxnResult result;
        try {
            result = store.txn(compares, then, otherwise);
        } catch (StoreException | RuntimeException e) {
            count("txn-failed");
            throw e;
        }
        List<Op> chosen = result.succeeded() ? then : otherwise;
        // A transaction that only read (a compare that chose a branch of gets, as the registry's writes of an
        // unchanged value do) wrote nothing: etcd's revision does not move.
        count(chosen.stream().allMatch(o -> o instanceof Op.Get) ? "txn-read" : "txn");
        for (Op op : chosen) {
            switch (op) {
                case Op.Put p -> wrote("txn-put", p.key());
                case Op.Delete d -> wrote("txn-delete", d.key());
                case Op.Get g -> { }
            }
        }
        return result;
    }

    @Override
    public Lease grantLease(Duration ttl) throws StoreException {
        count("grant");
        return store.grantLease(ttl);
    }

    @Override
    public Duration keepAliveOnce(long leaseId) throws StoreException {
        count("keep-alive");
        return store.keepAliveOnce(leaseId);
    }

    @Override
    public KeepAlive keepAlive(long leaseId, LeaseListener listener) throws StoreException {
        count("keep-alive-stream");
        return store.keepAlive(leaseId, listener);
    }

    @Override
    public void revokeLease(long leaseId) throws StoreException {
        count("revoke");
        store.revokeLease(leaseId);
    }

    @Override
    public Optional<Duration> leaseTimeToLive(long leaseId) throws StoreException {
        count("lease-ttl");
        return store.leaseTimeToLive(leaseId);
    }

    @Override
    public Watch watch(String keyOrPrefix, boolean prefix, long fromRevision, WatchListener listener)
            throws StoreException {
        count("watch");
        return store.watch(keyOrPrefix, prefix, fromRevision, listener);
    }

    @Override
    public ConnectionState connectionState() {
        return store.connectionState();
    }

    @Override
    public AutoCloseable addConnectionStateListener(ConnectionStateListener listener) {
        return store.addConnectionStateListener(listener);
    }

    /** Leaves the real store open: its owner closes it. */
    @Override
    public void close() {
    }
}
