package dev.flotilla.store.etcd;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import dev.flotilla.store.TransientStoreException;
import dev.flotilla.store.TxnResult;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;

/**
 * The {@link KvStore} on etcd v3, through jetcd. Obtain one with {@link #connect(EtcdConfig)}.
 *
 * <p>Every request carries the configured request timeout as its deadline; a request that gets no
 * answer in time fails with {@link TransientStoreException} naming the endpoints. Reads are
 * linearizable. Watches deliver each event exactly once in revision order across reconnects (the
 * store resumes them itself, from the revision after the last delivered); keep-alives renew every
 * third of the TTL. The connection state follows request outcomes, plus a cheap read once per
 * probe interval (a fifth of the session timeout, at most 1 s) when idle or not connected; an idle
 * store writes nothing to etcd. See docs/etcd.md.
 *
 * <p>Thread-safe: every method may be called from any thread. Listeners run on the store's own
 * threads, one at a time per watch, keep-alive or state listener list.
 */
public final class EtcdKvStore implements KvStore {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdKvStore.class);
    /** A key nobody writes: probes count it (a linearizable read, so a cut-off member does not answer). */
    private static final ByteSequence PROBE_KEY = EtcdMapping.key("/.flotilla-probe");
    private static final GetOption COUNT_ONLY = GetOption.builder().withCountOnly(true).build();

    private final EtcdConfig config;
    private final Client client;
    private final EtcdErrors errors;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final ConnectionMonitor monitor;
    private final Duration probeTimeout;
    private final Runnable resetBackoff;
    private final Set<AutoCloseable> running = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private EtcdKvStore(EtcdConfig config, Client client) {
        this.config = config;
        this.client = client;
        this.errors = new EtcdErrors(config.endpointList(), config.user());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("flotilla-etcd-timer").factory());
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("flotilla-etcd-", 0).factory());
        Duration probeInterval = ConnectionMonitor.probeInterval(config.sessionTimeout());
        this.probeTimeout = min(config.requestTimeout(), max(Duration.ofSeconds(1), probeInterval.multipliedBy(2)));
        this.resetBackoff = ReconnectBackoff.resetter(client).orElse(() -> { });
        this.monitor = new ConnectionMonitor(config.sessionTimeout(), probeInterval, this::probe, System::nanoTime,
                workers, config.endpointList());
    }

    /**
     * Connects to etcd and makes one read to check the endpoints, TLS and credentials. When etcd
     * does not answer, the store is still returned, in state {@link ConnectionState#SUSPENDED}
     * (it becomes LOST after the session timeout and CONNECTED once etcd answers), so a process
     * may start before etcd does.
     *
     * @throws StoreException when a TLS or key file cannot be read, the TLS handshake fails, or
     *     etcd refuses the credentials (or requires some and none are configured)
     */
    public static EtcdKvStore connect(EtcdConfig config) throws StoreException {
        EtcdKvStore store = new EtcdKvStore(config, EtcdClients.build(config));
        try {
            store.currentRevision("the first read");
        } catch (TransientStoreException e) {
            LOG.warn("etcd is not answering yet; carrying on as SUSPENDED: {}", e.getMessage());
        } catch (StoreException | RuntimeException e) {
            store.close();
            throw e;
        }
        store.monitor.start(store.scheduler);
        return store;
    }

    /** The configuration this store was connected with. */
    public EtcdConfig config() {
        return config;
    }

    @Override
    public Optional<KeyValue> get(String key) throws StoreException {
        GetResponse response = call("get of '" + key + "'", Lease.NONE,
                () -> client.getKVClient().get(EtcdMapping.key(key)));
        return response.getKvs().stream().findFirst().map(EtcdMapping::keyValue);
    }

    @Override
    public RangeResult range(String prefix) throws StoreException {
        GetResponse response = call("range of prefix '" + prefix + "'", Lease.NONE,
                () -> client.getKVClient().get(EtcdMapping.prefixStart(prefix), EtcdMapping.prefixGet(prefix)));
        return EtcdMapping.rangeResult(response, 0);
    }

    @Override
    public long put(String key, byte[] value, long leaseId) throws StoreException {
        Objects.requireNonNull(value, "value");
        return call("put of '" + key + "'", leaseId, () -> client.getKVClient()
                .put(EtcdMapping.key(key), ByteSequence.from(value), EtcdMapping.put(leaseId)))
                .getHeader().getRevision();
    }

    @Override
    public boolean delete(String key) throws StoreException {
        return call("delete of '" + key + "'", Lease.NONE,
                () -> client.getKVClient().delete(EtcdMapping.key(key))).getDeleted() > 0;
    }

    @Override
    public long deletePrefix(String prefix) throws StoreException {
        return call("delete of prefix '" + prefix + "'", Lease.NONE, () -> client.getKVClient()
                .delete(EtcdMapping.prefixStart(prefix), EtcdMapping.prefixDelete(prefix))).getDeleted();
    }

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) throws StoreException {
        List<Long> leases = EtcdMapping.leases(then, otherwise);
        String what = "transaction (" + compares.size() + " compares, " + then.size() + "/" + otherwise.size() + " ops"
                + (then.isEmpty() ? "" : ", first on '" + firstKey(then) + "'") + ")";
        TxnResponse response;
        try {
            response = call(what, leases.isEmpty() ? Lease.NONE : leases.getFirst(), () -> client.getKVClient().txn()
                    .If(compares.stream().map(EtcdMapping::compare).toArray(io.etcd.jetcd.op.Cmp[]::new))
                    .Then(EtcdMapping.branch(then))
                    .Else(EtcdMapping.branch(otherwise))
                    .commit());
        } catch (LeaseNotFoundException e) {
            if (leases.size() > 1) { // name the lease that is really missing
                for (long lease : leases) {
                    if (leaseTimeToLive(lease).isEmpty()) {
                        LeaseNotFoundException missing = new LeaseNotFoundException(lease);
                        missing.initCause(e.getCause());
                        throw missing;
                    }
                }
            }
            throw e;
        }
        long revision = response.getHeader().getRevision();
        List<RangeResult> gets = response.getGetResponses().stream()
                .map(get -> EtcdMapping.rangeResult(get, revision)).toList();
        return new TxnResult(response.isSucceeded(), revision, gets);
    }

    @Override
    public Lease grantLease(Duration ttl) throws StoreException {
        long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        var response = call("grant of a lease with TTL " + ttl, Lease.NONE,
                () -> client.getLeaseClient().grant(seconds));
        return new Lease(response.getID(), Duration.ofSeconds(response.getTTL()));
    }

    @Override
    public Duration keepAliveOnce(long leaseId) throws StoreException {
        LeaseKeepAliveResponse response = call("keep-alive of lease " + Long.toHexString(leaseId), leaseId,
                () -> client.getLeaseClient().keepAliveOnce(leaseId));
        if (response.getTTL() <= 0) {
            throw new LeaseNotFoundException(leaseId);
        }
        return Duration.ofSeconds(response.getTTL());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Never fails for a missing lease: the first renewal runs at once in the background and a
     * missing lease is reported to the listener.
     */
    @Override
    public KeepAlive keepAlive(long leaseId, LeaseListener listener) throws StoreException {
        Objects.requireNonNull(listener, "listener");
        ensureOpen();
        LeaseKeeper[] self = new LeaseKeeper[1];
        self[0] = new LeaseKeeper(leaseId, listener, this::keepAliveOnce, scheduler, workers,
                () -> running.remove(self[0]));
        running.add(self[0]);
        self[0].start();
        return self[0];
    }

    @Override
    public void revokeLease(long leaseId) throws StoreException {
        try {
            call("revoke of lease " + Long.toHexString(leaseId), leaseId,
                    () -> client.getLeaseClient().revoke(leaseId));
        } catch (LeaseNotFoundException e) {
            // already gone: revoking is idempotent
        }
    }

    @Override
    public Optional<Duration> leaseTimeToLive(long leaseId) throws StoreException {
        try {
            LeaseTimeToLiveResponse response = call("time-to-live of lease " + Long.toHexString(leaseId), leaseId,
                    () -> client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT));
            return response.getTTL() < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(response.getTTL()));
        } catch (LeaseNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>With {@code fromRevision} 0 this reads the current revision first (so it fails with
     * {@link TransientStoreException} when etcd does not answer) and watches from the next one:
     * every change acknowledged after this call returns is seen.
     */
    @Override
    public Watch watch(String keyOrPrefix, boolean prefix, long fromRevision, WatchListener listener)
            throws StoreException {
        Objects.requireNonNull(keyOrPrefix, "keyOrPrefix");
        Objects.requireNonNull(listener, "listener");
        if (fromRevision < 0) {
            throw new IllegalArgumentException("fromRevision must be 0 (now) or a revision, not " + fromRevision);
        }
        String what = "watch of " + ResumingWatch.describe(keyOrPrefix, prefix);
        long from = fromRevision > 0 ? fromRevision : currentRevision(what) + 1;
        ResumingWatch[] self = new ResumingWatch[1];
        self[0] = new ResumingWatch(client.getWatchClient(), scheduler, workers, monitor, errors, keyOrPrefix, prefix,
                from, listener, () -> running.remove(self[0]));
        running.add(self[0]);
        self[0].open();
        return self[0];
    }

    @Override
    public ConnectionState connectionState() {
        return monitor.state();
    }

    @Override
    public AutoCloseable addConnectionStateListener(ConnectionStateListener listener) {
        return monitor.addListener(listener);
    }

    /** Ends watches and keep-alives and closes the connection. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (AutoCloseable resource : List.copyOf(running)) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.debug("closing {} failed", resource, e);
            }
        }
        monitor.close();
        client.close();
        scheduler.shutdownNow();
        workers.shutdownNow();
    }

    /** The connection monitor's probe: a count-only read, after nudging gRPC to reconnect when not connected. */
    private CompletableFuture<?> probe() {
        if (monitor.state() != ConnectionState.CONNECTED) {
            resetBackoff.run();
        }
        return client.getKVClient().get(PROBE_KEY, COUNT_ONLY).orTimeout(probeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private long currentRevision(String what) throws StoreException {
        return call(what, Lease.NONE, () -> client.getKVClient().get(PROBE_KEY, COUNT_ONLY)).getHeader().getRevision();
    }

    /**
     * Runs one request with the request timeout, reports its outcome to the connection monitor and
     * translates its failure.
     */
    private <T> T call(String what, long leaseId, Supplier<CompletableFuture<T>> request) throws StoreException {
        ensureOpen();
        CompletableFuture<T> future;
        try {
            future = request.get();
        } catch (RuntimeException e) {
            throw errors.translate(what, e, leaseId);
        }
        try {
            T result = future.get(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
            monitor.answered();
            return result;
        } catch (TimeoutException e) {
            future.cancel(true);
            monitor.failed();
            throw errors.timeout(what, config.requestTimeout());
        } catch (ExecutionException e) {
            StoreException translated = errors.translate(what, e.getCause(), leaseId);
            if (translated instanceof TransientStoreException) {
                monitor.failed();
            } else {
                monitor.answered();
            }
            throw translated;
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new TransientStoreException("interrupted while waiting for etcd to answer " + what, e);
        }
    }

    private void ensureOpen() throws StoreException {
        if (closed.get()) {
            throw new StoreException("the etcd store for " + config.endpointList() + " is closed");
        }
    }

    private static String firstKey(List<Op> ops) {
        return switch (ops.getFirst()) {
            case Op.Put p -> p.key();
            case Op.Delete d -> d.key();
            case Op.Get g -> g.key();
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
