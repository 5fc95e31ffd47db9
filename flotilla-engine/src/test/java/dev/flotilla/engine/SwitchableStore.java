package dev.flotilla.engine;

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
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real store whose reported connection state the test sets, to drive the engine through
 * SUSPENDED and LOST without cutting a network. Every operation goes to the real store (so a
 * paused engine that wrote anyway would be caught). Thread-safe.
 */
final class SwitchableStore implements KvStore {

    private final KvStore delegate;
    private final List<ConnectionStateListener> listeners = new CopyOnWriteArrayList<>();
    private volatile ConnectionState state = ConnectionState.CONNECTED;
    private volatile Duration watchDelay = Duration.ZERO;

    SwitchableStore(KvStore delegate) {
        this.delegate = delegate;
    }

    /**
     * Delivers every watch batch {@code delay} late, in order (one thread per watch): a slow link between
     * the store and this store's user. Reads and writes stay prompt.
     */
    SwitchableStore withWatchDelay(Duration delay) {
        watchDelay = delay;
        return this;
    }

    /** Reports {@code next} from now on and tells the listeners. */
    synchronized void set(ConnectionState next) {
        ConnectionState previous = state;
        state = next;
        listeners.forEach(l -> l.stateChanged(previous, next));
    }

    @Override
    public ConnectionState connectionState() {
        return state;
    }

    @Override
    public AutoCloseable addConnectionStateListener(ConnectionStateListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public Optional<KeyValue> get(String key) throws StoreException {
        return delegate.get(key);
    }

    @Override
    public RangeResult range(String prefix) throws StoreException {
        return delegate.range(prefix);
    }

    @Override
    public long put(String key, byte[] value, long leaseId) throws StoreException {
        return delegate.put(key, value, leaseId);
    }

    @Override
    public boolean delete(String key) throws StoreException {
        return delegate.delete(key);
    }

    @Override
    public long deletePrefix(String prefix) throws StoreException {
        return delegate.deletePrefix(prefix);
    }

    @Override
    public TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) throws StoreException {
        return delegate.txn(compares, then, otherwise);
    }

    @Override
    public Lease grantLease(Duration ttl) throws StoreException {
        return delegate.grantLease(ttl);
    }

    @Override
    public Duration keepAliveOnce(long leaseId) throws StoreException {
        return delegate.keepAliveOnce(leaseId);
    }

    @Override
    public KeepAlive keepAlive(long leaseId, LeaseListener listener) throws StoreException {
        return delegate.keepAlive(leaseId, listener);
    }

    @Override
    public void revokeLease(long leaseId) throws StoreException {
        delegate.revokeLease(leaseId);
    }

    @Override
    public Optional<Duration> leaseTimeToLive(long leaseId) throws StoreException {
        return delegate.leaseTimeToLive(leaseId);
    }

    @Override
    public Watch watch(String keyOrPrefix, boolean prefix, long fromRevision, WatchListener listener)
            throws StoreException {
        if (watchDelay.isZero()) {
            return delegate.watch(keyOrPrefix, prefix, fromRevision, listener);
        }
        ScheduledExecutorService late = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("late-watch").factory());
        long delayNanos = watchDelay.toNanos();
        Watch watch = delegate.watch(keyOrPrefix, prefix, fromRevision, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                late.schedule(() -> listener.onEvents(events), delayNanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void onError(StoreException error) {
                late.schedule(() -> listener.onError(error), delayNanos, TimeUnit.NANOSECONDS);
            }
        });
        return () -> {
            watch.close();
            late.shutdownNow();
        };
    }

    @Override
    public void close() {
        delegate.close();
    }
}
