package dev.flotilla.store;

/** The lease named by an operation does not exist: it expired or was revoked. Nothing was changed. */
public class LeaseNotFoundException extends StoreException {
    private final long leaseId;

    public LeaseNotFoundException(long leaseId) {
        super("lease " + Long.toHexString(leaseId) + " not found (expired or revoked)");
        this.leaseId = leaseId;
    }

    public long leaseId() {
        return leaseId;
    }
}
