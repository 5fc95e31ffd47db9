package dev.flotilla.engine;

import dev.flotilla.registry.Registry;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import java.util.List;

/**
 * A follower's watch of the leader key alone ({@code engine/leader} under the registry's root, as
 * docs/key-layout.md lays it out): any change (the leader's lease ended, it resigned, another was
 * elected) wakes the engine to campaign, so a new leader is elected as soon as the old key is
 * gone. A follower watches nothing else, so it costs nothing while the cluster works. The watch
 * starts at the revision of a read of the key, so a change between that read and the campaign that
 * follows is never missed. Used by one thread (the engine's), signalled from the store's.
 */
final class LeaderKeyWatch implements AutoCloseable {

    /** The leader key below the registry's root (docs/key-layout.md). */
    static final String LEADER_KEY = "engine/leader";

    private final KvStore store;
    private final String key;
    private final Inbox inbox;
    private Watch watch;
    private volatile boolean failed;

    LeaderKeyWatch(KvStore store, Registry registry, Inbox inbox) {
        this.store = store;
        this.key = registry.root() + LEADER_KEY;
        this.inbox = inbox;
    }

    /** Starts the watch unless it runs (and has not failed). */
    void ensureStarted() throws StoreException {
        if (watch != null && !failed) {
            return;
        }
        close();
        failed = false;
        long revision = store.range(key).revision();
        watch = store.watch(key, false, revision + 1, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                inbox.leaderKeyChanged();
            }

            @Override
            public void onError(StoreException error) {
                failed = true;
                inbox.leaderKeyChanged();
            }
        });
    }

    /** Stops the watch; {@link #ensureStarted()} starts a new one. */
    @Override
    public void close() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }
}
