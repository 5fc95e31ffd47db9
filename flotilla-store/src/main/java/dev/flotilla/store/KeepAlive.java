package dev.flotilla.store;

/** A background renewal of one lease; closing it stops renewing (the lease then expires on its own). */
public interface KeepAlive extends AutoCloseable {
    /** The lease being kept alive. */
    long leaseId();

    @Override
    void close();
}
