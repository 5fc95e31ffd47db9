package dev.flotilla.store.embedded;

import dev.flotilla.store.Compare;
import dev.flotilla.store.ConnectionState;
import dev.flotilla.store.ConnectionStateListener;
import dev.flotilla.store.KeepAlive;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.Lease;
import dev.flotilla.store.LeaseListener;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.Op;
import dev.flotilla.store.RangeResult;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TxnResult;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A {@link KvStore} inside this process, with etcd v3's semantics: for dev mode (one process, many
 * simulated machines) and single-machine installs. See the package documentation for revision
 * numbering, watch history, durability and what {@link #close} does.
 *
 * <p>Thread-safe: writes (and lease operations) are serialised by one lock, each made durable
 * before the lock is released; reads share a read lock. Watch listeners are called on a platform
 * thread per watch, lease listeners on virtual threads of their own, never under the lock, so they
 * cannot hold up writers.
 *
 * <p>Always {@link ConnectionState#CONNECTED} while open. If a durable write fails, the store
 * stops: that write throws {@link dev.flotilla.store.TransientStoreException}, the state becomes
 * {@link ConnectionState#LOST} (listeners are told), watches end with the error, and every later
 * call throws {@link StoreException}; reopen the data directory to go on.
 */
public final class EmbeddedKvStore implements KvStore {

    private static final System.Logger LOG = System.getLogger(EmbeddedKvStore.class.getName());

    private final StoreEngine engine;
    private final ConcurrentHashMap<Long, Set<LeaseKeeper>> keepers = new ConcurrentHashMap<>();
    private final List<ConnectionStateListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private volatile ConnectionState state = ConnectionState.CONNECTED;

    private EmbeddedKvStore(Persistence persistence, EmbeddedStoreOptions options) throws StoreException {
        this.engine = new StoreEngine(persistence, options, this::leaseRemoved, e -> shutDown(e, true));
        // A platform thread: lease expiry and background keep-alives must not wait for a carrier of the
        // virtual-thread scheduler, which unit lifecycles and HTTP requests may hold (they are not preempted).
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("flotilla-store-timer").factory());
    }

    /** A fresh, empty store in memory with {@linkplain EmbeddedStoreOptions#defaults() default options}. */
    public static EmbeddedKvStore inMemory() {
        return inMemory(EmbeddedStoreOptions.defaults());
    }

    /** A fresh, empty store in memory; its state is gone when it is closed or the process ends. */
    public static EmbeddedKvStore inMemory(EmbeddedStoreOptions options) {
        try {
            return start(new Persistence.InMemory(), options);
        } catch (StoreException e) {
            throw new IllegalStateException("an in-memory store cannot fail to start", e);
        }
    }

    /** {@link #open(Path, EmbeddedStoreOptions)} with {@linkplain EmbeddedStoreOptions#defaults() default options}. */
    public static EmbeddedKvStore open(Path dataDir) throws StoreException {
        return open(dataDir, EmbeddedStoreOptions.defaults());
    }

    /**
     * Opens the durable store in {@code dataDir} (created when missing), with the keys, revision and
     * leases it had when last written. Leases keep their absolute deadlines: those that fell due
     * while the store was closed are expired now (their keys deleted, one revision per lease); the
     * others keep the time they have left. Watch history is not persisted, so watches from a
     * revision at or before the one found on opening fail with {@link dev.flotilla.store.CompactedException}.
     *
     * <p>Durability: a write returns only after an H2 MVStore commit has handed it to the operating
     * system, so it survives the process being killed (even {@code kill -9}). With
     * {@link EmbeddedStoreOptions#fsync()} (the default) the commit is also forced to the device, so
     * it survives a power loss or OS crash, at the price of one device flush per write (about half a
     * millisecond per write on an SSD, several on a spinning disk). Without it writes are several
     * times faster, but a power loss may lose the last seconds of acknowledged writes (MVStore's
     * checksummed chunks still let the file open at an older, consistent revision).
     *
     * @throws StoreException when the directory cannot be created or read, or is already open
     *     (in this or another process: the file is locked while open)
     */
    public static EmbeddedKvStore open(Path dataDir, EmbeddedStoreOptions options) throws StoreException {
        Objects.requireNonNull(dataDir, "dataDir");
        return start(MvStorePersistence.open(dataDir, options.fsync()), options);
    }

    private static EmbeddedKvStore start(Persistence persistence, EmbeddedStoreOptions options) throws StoreException {
        EmbeddedKvStore store;
        try {
            store = new EmbeddedKvStore(persistence, options);
        } catch (StoreException | RuntimeException e) {
            persistence.close();
            throw e;
        }
        try {
            store.engine.write(() -> null); // expires the leases that fell due while the store was closed
        } catch (StoreException | RuntimeException e) {
            store.close();
            throw e;
        }
        long interval = options.leaseCheckInterval().toNanos();
        store.timer.scheduleWithFixedDelay(store::expireInBackground, interval, interval, TimeUnit.NANOSECONDS);
        return store;
    }

    @Override
    public Optional<KeyValue> get(String key) throws StoreException {
        Objects.requireNonNull(key, "key");
        return engine.read(() -> engine.keyspace().get(key));
    }

    @Override
    public RangeResult range(String prefix) throws StoreException {
        Objects.requireNonNull(prefix, "prefix");
        return engine.read(() -> new RangeResult(engine.keyspace().range(prefix), engine.keyspace().revision()));
    }

    /**
     * {@inheritDoc} The value is copied.
     *
     * @throws IllegalArgumentException for an empty key
     */
    @Override
    public long put(String key, byte[] value, long leaseId) throws StoreException {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        return engine.write(() -> {
            engine.requireLease(leaseId);
            WriteBatch batch = new WriteBatch(engine.keyspace());
            batch.put(key, value, leaseId);
            return engine.apply(batch.toCommit(List.of(), engine.leases().nextLeaseId())).revision();
        });
    }

    /** {@inheritDoc} Deleting a missing key changes nothing and does not advance the revision. */
    @Override
    public boolean delete(String key) throws StoreException {
        Objects.requireNonNull(key, "key");
        return engine.write(() -> {
            WriteBatch batch = new WriteBatch(engine.keyspace());
            boolean existed = batch.delete(key);
            engine.apply(batch.toCommit(List.of(), engine.leases().nextLeaseId()));
            return existed;
        });
    }

    /** {@inheritDoc} An empty prefix deletes every key. No match: no new revision. */
    @Override
    public long deletePrefix(String prefix) throws StoreException {
        Objects.requireNonNull(prefix, "prefix");
        return engine.write(() -> {
            WriteBatch batch = new WriteBatch(engine.keyspace());
            long deleted = batch.deletePrefix(prefix);
            engine.apply(batch.toCommit(List.of(), engine.leases().nextLeaseId()));
            return deleted;
        });
    }

    /**
     * {@inheritDoc} A branch that changes no key (only gets, deletes of missing keys, or nothing)
     * does not advance the revision. Gets report the revision they read at, the one before the
     * branch's writes.
     *
     * @throws StoreException (not transient; nothing applied) when a branch puts one key twice or
     *     puts a key it also deletes, as etcd refuses such a transaction
     */
    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) throws StoreException {
        List<Compare> ifs = List.copyOf(compares);
        List<Op> thenOps = List.copyOf(then);
        List<Op> elseOps = List.copyOf(otherwise);
        for (List<Op> branch : List.of(thenOps, elseOps)) {
            for (Op op : branch) {
                if (op instanceof Op.Put put) {
                    checkKey(put.key());
                }
            }
            WriteBatch.checkNoDuplicateKeys(branch);
        }
        return engine.write(() -> {
            Keyspace keyspace = engine.keyspace();
            boolean succeeded = ifs.stream().allMatch(keyspace::holds);
            List<Op> branch = succeeded ? thenOps : elseOps;
            for (Op op : branch) {
                if (op instanceof Op.Put put) {
                    engine.requireLease(put.lease());
                }
            }
            List<RangeResult> gets = new ArrayList<>();
            WriteBatch batch = new WriteBatch(keyspace);
            for (Op op : branch) {
                switch (op) {
                    // The keyspace itself is untouched until apply, so gets see the state before the writes.
                    case Op.Get get -> gets.add(new RangeResult(keyspace.select(get.key(), get.prefix()),
                            keyspace.revision()));
                    case Op.Put put -> batch.put(put.key(), put.value(), put.lease());
                    case Op.Delete del -> {
                        if (del.prefix()) {
                            batch.deletePrefix(del.key());
                        } else {
                            batch.delete(del.key());
                        }
                    }
                }
            }
            Commit commit = engine.apply(batch.toCommit(List.of(), engine.leases().nextLeaseId()));
            return new TxnResult(succeeded, commit.revision(), gets);
        });
    }

    /**
     * {@inheritDoc} The TTL is rounded up to whole seconds, at least one, as etcd counts TTLs in
     * seconds. Lease IDs are never reused by a store (nor by a durable store across reopens).
     *
     * @throws IllegalArgumentException for a TTL that is not positive
     */
    @Override
    public Lease grantLease(Duration ttl) throws StoreException {
        if (!ttl.isPositive()) {
            throw new IllegalArgumentException("a lease TTL must be positive, not " + ttl);
        }
        Duration granted = Duration.ofSeconds(Math.max(1, ttl.plusNanos(999_999_999).getSeconds()));
        return engine.write(() -> {
            long id = engine.leases().nextLeaseId();
            LeaseRecord lease = new LeaseRecord(id, granted, engine.clock().instant().plus(granted));
            engine.apply(new Commit(engine.keyspace().revision(), List.of(),
                    List.of(new Commit.LeaseChange.Upsert(lease)), id + 1));
            return new Lease(id, granted);
        });
    }

    /** {@inheritDoc} The new deadline is persisted (durable mode) before this returns. */
    @Override
    public Duration keepAliveOnce(long leaseId) throws StoreException {
        return engine.write(() -> {
            LeaseRecord lease = engine.leases().find(leaseId).orElseThrow(() -> new LeaseNotFoundException(leaseId));
            LeaseRecord renewed = lease.renewedAt(engine.clock().instant());
            engine.apply(new Commit(engine.keyspace().revision(), List.of(),
                    List.of(new Commit.LeaseChange.Upsert(renewed)), engine.leases().nextLeaseId()));
            return renewed.ttl();
        });
    }

    /**
     * {@inheritDoc} Renews once right away, then every third of the TTL on the store's timer. The
     * listener is told on its own virtual thread as soon as the lease is revoked or expires.
     *
     * @throws LeaseNotFoundException when the lease does not exist now
     */
    @Override
    public KeepAlive keepAlive(long leaseId, LeaseListener listener) throws StoreException {
        Objects.requireNonNull(listener, "listener");
        Duration ttl = keepAliveOnce(leaseId);
        LeaseKeeper keeper = new LeaseKeeper(leaseId, listener, this::keepAliveOnce,
                k -> keepers.computeIfPresent(k.leaseId(), (id, set) -> set.remove(k) && set.isEmpty() ? null : set));
        keepers.compute(leaseId, (id, set) -> { // atomically with a concurrent unregistration's computeIfPresent
            Set<LeaseKeeper> keepersOfLease = set != null ? set : ConcurrentHashMap.newKeySet();
            keepersOfLease.add(keeper);
            return keepersOfLease;
        });
        keeper.start(timer, ttl);
        if (engine.read(() -> !engine.leases().contains(leaseId))) {
            keeper.leaseGone(); // revoked between the renewal and the registration
        }
        return keeper;
    }

    /** {@inheritDoc} The deletions share one revision (none when no key was attached). */
    @Override
    public void revokeLease(long leaseId) throws StoreException {
        engine.write(() -> engine.leases().contains(leaseId) ? engine.apply(engine.revocation(leaseId)) : null);
    }

    /** {@inheritDoc} Exact to the nanosecond of the store's clock; empty once the deadline has passed. */
    @Override
    public Optional<Duration> leaseTimeToLive(long leaseId) throws StoreException {
        return engine.read(() -> engine.leases().find(leaseId)
                .map(lease -> lease.remainingAt(engine.clock().instant())).filter(Duration::isPositive));
    }

    /**
     * {@inheritDoc} The history kept for replay is bounded ({@link EmbeddedStoreOptions#historySize()})
     * and not persisted. Each watch has its own unbounded queue and delivery thread: a slow listener
     * loses nothing and delays no one but itself. A {@code fromRevision} past the current revision
     * starts there. Closing the store ends its watches without calling {@code onError}.
     *
     * @throws IllegalArgumentException for a negative {@code fromRevision}
     */
    @Override
    public Watch watch(String keyOrPrefix, boolean prefix, long fromRevision, WatchListener listener)
            throws StoreException {
        Objects.requireNonNull(keyOrPrefix, "keyOrPrefix");
        Objects.requireNonNull(listener, "listener");
        if (fromRevision < 0) {
            throw new IllegalArgumentException("fromRevision must be 0 (now) or a revision, not " + fromRevision);
        }
        return engine.read(() -> engine.hub().subscribe(keyOrPrefix, prefix, fromRevision,
                engine.keyspace().revision(), listener));
    }

    /** {@inheritDoc} {@link ConnectionState#CONNECTED} while open, also after {@link #close}; LOST only after a failed write. */
    @Override
    public ConnectionState connectionState() {
        return state;
    }

    /** {@inheritDoc} The only change an embedded store makes is CONNECTED to LOST, after a failed durable write. */
    @Override
    public AutoCloseable addConnectionStateListener(ConnectionStateListener listener) {
        Objects.requireNonNull(listener, "listener");
        connectionListeners.add(listener);
        return () -> connectionListeners.remove(listener);
    }

    /**
     * Closes the store: watches end without {@code onError}, keep-alives stop without telling their
     * listeners, the data directory (if any) is released, and later calls throw {@link StoreException}.
     * Leases are left as they are: in memory they vanish with the store; in a data directory they
     * keep running down and are expired on the next open if due. Connection listeners are not told
     * (close is the owner's own act, not a connection change). Idempotent.
     */
    @Override
    public void close() {
        shutDown(new StoreException("the embedded store " + engine.describe() + " is closed"), false);
    }

    /** The newest revision a watch can no longer start from (0: none); for tests. */
    long compactRevision() throws StoreException {
        return engine.read(() -> engine.hub().compactRevision());
    }

    /** Expires the leases whose deadline has passed on the store's clock; for tests with a fake clock. */
    void expireDueLeases() throws StoreException {
        engine.write(() -> null);
    }

    @Override
    public String toString() {
        return "EmbeddedKvStore[" + engine.describe() + "]";
    }

    /** Tells the keep-alives of a lease revoked or expired. Called under the engine's write lock; never blocks. */
    private void leaseRemoved(long leaseId) {
        for (LeaseKeeper keeper : keepers.getOrDefault(leaseId, Set.of())) {
            keeper.leaseGone();
        }
    }

    private void expireInBackground() {
        try {
            if (engine.hasDueLease()) {
                expireDueLeases();
            }
        } catch (StoreException e) {
            // Closed or stopped: callers get the reason from their own calls.
        } catch (RuntimeException e) {
            // Must not escape: the timer would silently cancel the periodic task.
            LOG.log(System.Logger.Level.ERROR, "expiring leases of " + this + " failed", e);
        }
    }

    /** Stops serving for {@code reason}: a close, or (when {@code failure}) a failed durable write. */
    private void shutDown(StoreException reason, boolean failure) {
        if (!engine.stop(reason, failure)) {
            return;
        }
        timer.shutdownNow();
        keepers.values().forEach(set -> set.forEach(LeaseKeeper::stop));
        if (failure) {
            state = ConnectionState.LOST;
            Thread.ofVirtual().name("flotilla-store-connection-listeners").start(() -> {
                for (ConnectionStateListener listener : connectionListeners) {
                    try {
                        listener.stateChanged(ConnectionState.CONNECTED, ConnectionState.LOST);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "connection state listener failed", e);
                    }
                }
            });
        }
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a key must not be empty");
        }
    }
}
