package dev.flotilla.daemon;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * A {@link KvStore} that counts and times every request one machine makes (by operation and outcome), counts the
 * events its watches deliver, shows the connection's state, and reads its {@link KvStore#keepAliveOnce} calls as
 * what they are in a machine: renewals of the machine's lease (only the agent's lease keeper makes them). Every
 * part of a machine (agent, engine, API) goes through one, made in one place: {@link MachineDaemon#start}.
 *
 * <p>Behaves exactly as the store it wraps (same results, same exceptions); {@link #close()} closes nothing, since
 * the store belongs to whoever opened it. Thread-safe.
 */
final class MeteredKvStore implements KvStore {

    private final KvStore store;
    private final MeterRegistry registry;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final Counter watchEvents;
    private final Counter renewed;
    private final Counter renewalFailed;
    private final Counter leaseLost;
    /** When the last renewal that succeeded was sent; null before the first. */
    private volatile Instant lastRenewal;

    MeteredKvStore(KvStore store, MeterRegistry registry, InstantSource clock) {
        this.store = store;
        this.registry = registry;
        this.clock = clock;
        this.watchEvents = Counter.builder("flotilla.store.watch.events")
                .description("Changes the machine's store watches delivered").register(registry);
        this.renewed = renewals("ok");
        this.renewalFailed = renewals("failed");
        this.leaseLost = renewals("lost");
        Gauge.builder("flotilla.lease.last.renewal.age", this, MeteredKvStore::lastRenewalAge).baseUnit("seconds")
                .strongReference(true)
                .description("Time since the machine's lease was last renewed (NaN before the first renewal)")
                .register(registry);
        for (ConnectionState state : ConnectionState.values()) {
            Gauge.builder("flotilla.store.connection", store, s -> s.connectionState() == state ? 1 : 0).strongReference(true)
                    .tag("state", state.name())
                    .description("The store connection's state as last observed: 1 for the current one")
                    .register(registry);
        }
    }

    private Counter renewals(String result) {
        return Counter.builder("flotilla.lease.renewals").tag("result", result)
                .description("Renewals of the machine's lease: ok, failed (the store did not answer; retried), "
                        + "lost (the store says the lease is gone)")
                .register(registry);
    }

    private double lastRenewalAge() {
        Instant last = lastRenewal;
        return last == null ? Double.NaN : Duration.between(last, clock.instant()).toNanos() / 1e9;
    }

    private interface Call<T> {
        T call() throws StoreException;
    }

    private <T> T timed(String op, Call<T> call) throws StoreException {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.call();
            outcome = "ok";
            return result;
        } finally {
            timer(op, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private Timer timer(String op, String outcome) {
        return timers.computeIfAbsent(op + "/" + outcome, k -> Timer.builder("flotilla.store.requests")
                .description("Store requests of this machine by operation and outcome (ok, error)")
                .tag("op", op).tag("outcome", outcome).register(registry));
    }

    @Override
    public Optional<KeyValue> get(String key) throws StoreException {
        return timed("get", () -> store.get(key));
    }

    @Override
    public RangeResult range(String prefix) throws StoreException {
        return timed("range", () -> store.range(prefix));
    }

    @Override
    public long put(String key, byte[] value, long leaseId) throws StoreException {
        return timed("put", () -> store.put(key, value, leaseId));
    }

    @Override
    public boolean delete(String key) throws StoreException {
        return timed("delete", () -> store.delete(key));
    }

    @Override
    public long deletePrefix(String prefix) throws StoreException {
        return timed("deletePrefix", () -> store.deletePrefix(prefix));
    }

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) throws StoreException {
        return timed("txn", () -> store.txn(compares, then, otherwise));
    }

    @Override
    public Lease grantLease(Duration ttl) throws StoreException {
        return timed("grantLease", () -> store.grantLease(ttl));
    }

    @Override
    public Duration keepAliveOnce(long leaseId) throws StoreException {
        Instant sent = clock.instant();
        try {
            Duration ttl = timed("keepAliveOnce", () -> store.keepAliveOnce(leaseId));
            lastRenewal = sent;
            renewed.increment();
            return ttl;
        } catch (LeaseNotFoundException e) {
            leaseLost.increment();
            throw e;
        } catch (StoreException | RuntimeException e) {
            renewalFailed.increment();
            throw e;
        }
    }

    @Override
    public KeepAlive keepAlive(long leaseId, LeaseListener listener) throws StoreException {
        return timed("keepAlive", () -> store.keepAlive(leaseId, listener));
    }

    @Override
    public void revokeLease(long leaseId) throws StoreException {
        timed("revokeLease", () -> {
            store.revokeLease(leaseId);
            return null;
        });
    }

    @Override
    public Optional<Duration> leaseTimeToLive(long leaseId) throws StoreException {
        return timed("leaseTimeToLive", () -> store.leaseTimeToLive(leaseId));
    }

    @Override
    public Watch watch(String keyOrPrefix, boolean prefix, long fromRevision, WatchListener listener)
            throws StoreException {
        return timed("watch", () -> store.watch(keyOrPrefix, prefix, fromRevision, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                watchEvents.increment(events.size());
                listener.onEvents(events);
            }

            @Override
            public void onError(StoreException error) {
                listener.onError(error);
            }
        }));
    }

    @Override
    public ConnectionState connectionState() {
        return store.connectionState();
    }

    @Override
    public AutoCloseable addConnectionStateListener(ConnectionStateListener listener) {
        return store.addConnectionStateListener(listener);
    }

    /** Closes nothing: the wrapped store belongs to whoever opened it. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "Metered[" + store + "]";
    }
}
