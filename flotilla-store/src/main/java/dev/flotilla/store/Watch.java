package dev.flotilla.store;

/** A running watch; closing it stops event delivery (a call in progress may still finish). */
public interface Watch extends AutoCloseable {
    @Override
    void close();
}
