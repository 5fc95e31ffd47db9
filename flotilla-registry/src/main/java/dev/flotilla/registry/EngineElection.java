package dev.flotilla.registry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.store.Compare;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.Op;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TxnResult;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;

/**
 * Engine leader election on one key ({@code engine/leader}), attached to the leader's lease: the
 * first campaigner to create the key leads until it resigns or its lease ends, then the key is
 * gone (watchers see {@link RegistryEvent.LeaderGone}) and anyone may campaign again. The key is
 * never rewritten during a term, so its revision identifies the term ({@link Leadership#term}) and
 * writes can be guarded by it ({@link Schedule#apply(List, Leadership)}). Thread-safe.
 */
public final class EngineElection {

    private static final Logger LOG = LoggerFactory.getLogger(EngineElection.class);

    /**
     * Receives a {@linkplain #watchLeader leader watch}'s changes. Called from one thread at a time;
     * should return quickly.
     */
    public interface LeaderListener {

        /**
         * The leader key changed at {@code revision}: {@code leader} is the new term, or empty when
         * nobody leads any more (the key was deleted, or a malformed value was written over it: logged).
         */
        void leaderChanged(Optional<Leadership> leader, long revision);

        /**
         * The watch has ended and delivers nothing more: a {@link dev.flotilla.store.CompactedException}
         * when its start revision is no longer kept, another {@link StoreException} when the store
         * refused the watch. Read {@link #leader()} and watch again.
         */
        default void onError(StoreException error) {
        }
    }

    private final Context ctx;

    EngineElection(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * Tries to become leader: creates the leader key on {@code leaseId} if nobody leads. Returns the
     * new term when this call won, the current term when {@code machineId} already leads on this
     * lease, and empty when another leads (nothing is written then).
     *
     * @throws LeaseNotFoundException when the lease has expired or was revoked; nothing is written
     * @throws StoreException when the store fails otherwise
     */
    public Optional<Leadership> campaign(MachineId machineId, long leaseId) throws StoreException {
        Objects.requireNonNull(machineId, "machineId");
        String key = ctx.keys().leader();
        Instant now = ctx.clock().instant();
        TxnResult r = ctx.store().txn(List.of(Compare.absent(key)),
                List.of(new Op.Put(key, Codec.encodeLeader(machineId, now), leaseId)), List.of(new Op.Get(key, false)));
        if (r.succeeded()) {
            return Optional.of(new Leadership(machineId, leaseId, r.revision(), now));
        }
        return decode(r.gets().getFirst().kvs())
                .filter(l -> l.machineId().equals(machineId) && l.leaseId() == leaseId);
    }

    /** The current leader, or empty when nobody leads (or the leader key is malformed: logged). */
    public Optional<Leadership> leader() throws StoreException {
        return ctx.store().get(ctx.keys().leader()).flatMap(kv -> decode(List.of(kv)));
    }

    /** Whether {@code term} is still the current one (a fresh read; it may end right after). */
    public boolean isLeading(Leadership term) throws StoreException {
        return ctx.store().get(ctx.keys().leader()).map(kv -> kv.modRevision() == term.term()).orElse(false);
    }

    /**
     * Ends {@code term}: deletes the leader key if it is still this term's. Returns whether it did;
     * resigning a term that is already over changes nothing.
     *
     * @throws StoreException when the store fails
     */
    public boolean resign(Leadership term) throws StoreException {
        return ctx.store().compareAndDelete(ctx.keys().leader(), term.term());
    }

    /**
     * Watches the leader key from {@code fromRevision}: every change to it (elected, resigned, lease
     * ended) in revision order, each exactly once, until the returned watch is closed or the listener
     * is told of an error. With {@code fromRevision} 0 or less, this call first reads the store's
     * revision and watches from the next one, so no change made after the call starts is missed.
     * The listener is called from one thread at a time (the store's); a listener that throws is
     * logged and the watch goes on. Closing the watch stops delivery (a call in
     * progress may still finish). Thread-safe.
     *
     * @throws StoreException when the store fails the read or refuses the watch
     */
    public Watch watchLeader(long fromRevision, LeaderListener listener) throws StoreException {
        Objects.requireNonNull(listener, "listener");
        String key = ctx.keys().leader();
        long from = fromRevision > 0 ? fromRevision : ctx.store().range(key).revision() + 1;
        return ctx.store().watch(key, false, from, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                for (WatchEvent e : events) {
                    Optional<Leadership> leader = e.type() == WatchEvent.Type.PUT
                            ? decode(List.of(e.kv()))
                            : Optional.empty();
                    try {
                        listener.leaderChanged(leader, e.revision());
                    } catch (RuntimeException ex) {
                        LOG.error("A leader listener failed on the change at revision {}; the watch goes on",
                                e.revision(), ex);
                    }
                }
            }

            @Override
            public void onError(StoreException error) {
                try {
                    listener.onError(error);
                } catch (RuntimeException ex) {
                    LOG.error("A leader listener failed on the end of its watch", ex);
                }
            }
        });
    }

    /** The compare that holds exactly while {@code term} lasts. */
    Compare.ModRevision guard(Leadership term) {
        return new Compare.ModRevision(ctx.keys().leader(), term.term());
    }

    private Optional<Leadership> decode(List<KeyValue> kvs) {
        return kvs.stream().findFirst().flatMap(kv -> ctx.decoder().decodeOrSkip(kv, () -> Codec.leader(kv)));
    }
}
