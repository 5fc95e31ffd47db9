package dev.flotilla.registry;

import java.util.List;

import dev.flotilla.store.CompactedException;
import dev.flotilla.store.StoreException;

/**
 * Receives a registry watch's events. Called from one thread at a time; should return quickly
 * (hand work to a reconciler rather than doing it here). An exception thrown by the listener is
 * logged and the watch goes on.
 */
public interface RegistryListener {

    /**
     * A batch of events in revision order; all events of one store revision are in one batch.
     * Never empty.
     */
    void onEvents(List<RegistryEvent> events);

    /**
     * The watch has ended and delivers nothing more: a {@link CompactedException} when its start
     * revision is no longer kept (take a new snapshot and watch again), another
     * {@link StoreException} when the store refused the watch.
     */
    default void onError(StoreException error) {
    }
}
