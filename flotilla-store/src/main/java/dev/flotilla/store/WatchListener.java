package dev.flotilla.store;

import java.util.List;

/** Receives a watch's events. Called from one thread at a time; should return quickly. */
public interface WatchListener {

    /** A batch of events, in revision order; all events of one revision are in the same batch. */
    void onEvents(List<WatchEvent> events);

    /**
     * The watch has ended and will deliver nothing more: {@link CompactedException} when the start
     * revision is no longer kept, another {@link StoreException} when the store refused the watch.
     * Transient disconnects are not reported here; the watch resumes by itself.
     */
    default void onError(StoreException error) {
    }
}
