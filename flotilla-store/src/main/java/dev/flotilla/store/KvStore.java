package dev.flotilla.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A connection to the cluster store. Implementations are thread-safe: every method may be called
 * from any thread, concurrently. Every operation is linearizable with every other operation on
 * the same store (reads see every write acknowledged before they started).
 *
 * <p>Failure model: a method that throws {@link TransientStoreException} may or may not have
 * taken effect (the request may have reached the store before the connection broke); callers
 * that need certainty re-read, or use {@link #txn} with a compare. Any other
 * {@link StoreException} means the request was refused and changed nothing.
 */
public interface KvStore extends AutoCloseable {

    /** The key's current value, or empty when the key does not exist. */
    Optional<KeyValue> get(String key) throws StoreException;

    /**
     * Every key that starts with {@code prefix}, sorted by key, read at one revision (a consistent
     * snapshot). The result's {@link RangeResult#revision()} is the store revision of that snapshot:
     * watching from {@code revision + 1} sees every later change and nothing already read.
     */
    RangeResult range(String prefix) throws StoreException;

    /** Writes {@code value} under {@code key}, detached from any lease. Returns the new revision. */
    default long put(String key, byte[] value) throws StoreException {
        return put(key, value, Lease.NONE);
    }

    /**
     * Writes {@code value} under {@code key}, attached to lease {@code leaseId} ({@link Lease#NONE}
     * for none). Returns the store revision of the write.
     *
     * @throws LeaseNotFoundException when the lease does not exist (expired or revoked); nothing is written
     */
    long put(String key, byte[] value, long leaseId) throws StoreException;

    /** Deletes {@code key}. Returns whether it existed. */
    boolean delete(String key) throws StoreException;

    /** Deletes every key starting with {@code prefix} in one revision. Returns how many were deleted. */
    long deletePrefix(String prefix) throws StoreException;

    /**
     * Atomically: if every compare holds, applies {@code then}, otherwise applies {@code otherwise}.
     * Both branches run at one new revision (or none, when the branch has only gets or is empty).
     * Gets in a branch see the state before that branch's writes and are returned in order.
     *
     * @throws LeaseNotFoundException when the chosen branch puts with a lease that does not exist;
     *     nothing of the branch is applied
     */
    TxnResult txn(List<Compare> compares, List<Op> then, List<Op> otherwise) throws StoreException;

    /**
     * Writes {@code value} only when the key's modification revision is {@code expectedModRevision}
     * (0: only when the key does not exist). Returns whether the write happened.
     */
    default boolean compareAndPut(String key, long expectedModRevision, byte[] value, long leaseId)
            throws StoreException {
        return txn(List.of(new Compare.ModRevision(key, expectedModRevision)),
                List.of(new Op.Put(key, value, leaseId)), List.of()).succeeded();
    }

    /** Deletes the key only when its modification revision is {@code expectedModRevision}. */
    default boolean compareAndDelete(String key, long expectedModRevision) throws StoreException {
        return txn(List.of(new Compare.ModRevision(key, expectedModRevision)),
                List.of(new Op.Delete(key, false)), List.of()).succeeded();
    }

    /**
     * Grants a lease that expires {@code ttl} after its last keep-alive. The store may round the
     * TTL up (etcd enforces a minimum of about two seconds); {@link Lease#ttl()} says what was granted.
     */
    Lease grantLease(Duration ttl) throws StoreException;

    /**
     * Renews the lease once and returns the TTL it now has.
     *
     * @throws LeaseNotFoundException when the lease has expired or was revoked
     */
    Duration keepAliveOnce(long leaseId) throws StoreException;

    /**
     * Keeps the lease alive in the background (renewing about three times per TTL) until the
     * returned handle is closed. When the store reports the lease gone, the listener's
     * {@link LeaseListener#leaseLost} is called once and renewal stops. Transient failures are
     * retried; they are visible through {@link #connectionState()}.
     */
    KeepAlive keepAlive(long leaseId, LeaseListener listener) throws StoreException;

    /** Revokes the lease, deleting every key attached to it. Revoking an unknown lease is a no-op. */
    void revokeLease(long leaseId) throws StoreException;

    /** The remaining time to live of the lease, or empty when it does not exist. */
    Optional<Duration> leaseTimeToLive(long leaseId) throws StoreException;

    /**
     * Watches a key, or every key under a prefix, starting at {@code fromRevision} (0: changes after
     * now). Events arrive in revision order, each exactly once, through reconnects: after a broken
     * connection the backend resumes from the last delivered revision. Events of one revision are
     * delivered in one call. The listener is called from one thread at a time.
     *
     * <p>When {@code fromRevision} is older than what the store still keeps (compacted), the
     * listener's {@link WatchListener#onError} gets a {@link CompactedException} and the watch ends.
     */
    Watch watch(String keyOrPrefix, boolean prefix, long fromRevision, WatchListener listener)
            throws StoreException;

    /** The connection's health as last observed. */
    ConnectionState connectionState();

    /**
     * Registers a listener for connection state changes. Listeners are called in order of the
     * changes, from one thread at a time, and must not block. Close the handle to unregister.
     */
    AutoCloseable addConnectionStateListener(ConnectionStateListener listener);

    /** Releases the connection. Watches and keep-alives end; leases are left to expire. */
    @Override
    void close();
}
