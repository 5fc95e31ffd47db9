package dev.flotilla.store;

/** Told of every change of a store's {@link ConnectionState}. */
@FunctionalInterface
public interface ConnectionStateListener {
    void stateChanged(ConnectionState previous, ConnectionState current);
}
