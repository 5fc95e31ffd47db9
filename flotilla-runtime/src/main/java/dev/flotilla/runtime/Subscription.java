package dev.flotilla.runtime;

/** A registration (a state listener, a journal follower) that ends when closed. Idempotent, thread-safe. */
public interface Subscription extends AutoCloseable {

    /** Ends the registration; no callback starts after this returns. Never fails. */
    @Override
    void close();
}
