package dev.flotilla.lb;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a balancer's backends come from: the registry's endpoints of one service (over etcd or
 * an agent's API), the tutorial's key layout, or a fixed list. A source reports the whole current
 * list on every change, never deltas, so a consumer that missed a report loses nothing.
 */
public interface BackendSource extends AutoCloseable {

    /**
     * Starts following the source: {@code listener} gets the full list once the first read
     * completes, then again on every change, from one thread at a time.
     *
     * @throws BackendSourceException when the first read fails (unreachable store, unknown prefix...)
     */
    void start(Consumer<List<BackendAddress>> listener) throws BackendSourceException;

    /** A one-line description for logs and {@code /lb/status}: {@code registry:web via http://127.0.0.1:7070}. */
    String describe();

    /** Stops following; no report arrives after this returns. */
    @Override
    void close();
}
