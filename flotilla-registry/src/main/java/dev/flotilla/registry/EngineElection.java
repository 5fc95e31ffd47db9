package dev.flotilla.registry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.flotilla.store.Compare;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.Op;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TxnResult;

/**
 * Engine leader election on one key ({@code engine/leader}), attached to the leader's lease: the
 * first campaigner to create the key leads until it resigns or its lease ends, then the key is
 * gone (watchers see {@link RegistryEvent.LeaderGone}) and anyone may campaign again. The key is
 * never rewritten during a term, so its revision identifies the term ({@link Leadership#term}) and
 * writes can be guarded by it ({@link Schedule#apply(List, Leadership)}). Thread-safe.
 */
public final class EngineElection {

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

    /** The compare that holds exactly while {@code term} lasts. */
    Compare.ModRevision guard(Leadership term) {
        return new Compare.ModRevision(ctx.keys().leader(), term.term());
    }

    private Optional<Leadership> decode(List<KeyValue> kvs) {
        return kvs.stream().findFirst().flatMap(kv -> ctx.decoder().decodeOrSkip(kv, () -> Codec.leader(kv)));
    }
}
