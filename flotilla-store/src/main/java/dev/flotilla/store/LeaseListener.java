package dev.flotilla.store;

/** Told when a lease kept alive by {@link KvStore#keepAlive} is gone. */
@FunctionalInterface
public interface LeaseListener {
    /** The store says the lease no longer exists: it expired or was revoked. Called at most once. */
    void leaseLost(long leaseId);
}
