package dev.flotilla.engine;

import dev.flotilla.registry.EngineElection;
import dev.flotilla.registry.Leadership;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import java.util.Optional;

/**
 * A follower's watch of the leader key alone ({@link EngineElection#watchLeader}): any change (the
 * leader's lease ended, it resigned, another was elected) wakes the engine to campaign, so a new
 * leader is elected as soon as the old key is gone. A follower watches nothing else, so it costs
 * nothing while the cluster works. The watch starts after a read of the store's revision, so a
 * change between that read and the campaign that follows is never missed. Used by one thread (the
 * engine's), signalled from the store's.
 */
final class LeaderKeyWatch implements AutoCloseable {

    private final EngineElection election;
    private final Inbox inbox;
    private Watch watch;
    private volatile boolean failed;

    LeaderKeyWatch(EngineElection election, Inbox inbox) {
        this.election = election;
        this.inbox = inbox;
    }

    /** Starts the watch unless it runs (and has not failed). */
    void ensureStarted() throws StoreException {
        if (watch != null && !failed) {
            return;
        }
        close();
        failed = false;
        watch = election.watchLeader(0, new EngineElection.LeaderListener() {
            @Override
            public void leaderChanged(Optional<Leadership> leader, long revision) {
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
