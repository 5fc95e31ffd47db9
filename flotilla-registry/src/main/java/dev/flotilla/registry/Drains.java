package dev.flotilla.registry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.flotilla.registry.KeyLayout.RegistryKey;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.StoreException;

/**
 * Drained machines ({@code drains/<machine-id>}, no lease): the engine places nothing new on a drained
 * machine and moves its units elsewhere (docs/scheduling.md). A drain names a machine ID, not a
 * registration, so it holds across the agent's restarts and even while the machine is away. Thread-safe.
 */
public final class Drains {

    private final Context ctx;

    Drains(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * Drains {@code machine} for {@code reason} (may be empty), as of now. Draining a drained machine
     * keeps its first {@code since} and takes the new reason (writing nothing when the reason is unchanged).
     * Returns the drain as stored.
     *
     * @throws IllegalArgumentException when the reason is too long ({@link Drain#MAX_REASON})
     * @throws StoreException when the store fails
     */
    public Drain drain(MachineId machine, String reason) throws StoreException {
        Objects.requireNonNull(machine, "machine");
        Optional<Drain> before = get(machine);
        Drain drain = new Drain(machine, before.map(Drain::since).orElse(ctx.clock().instant()), reason);
        if (!before.equals(Optional.of(drain))) {
            ctx.store().put(ctx.keys().drain(machine), Codec.encode(drain));
        }
        return drain;
    }

    /** Ends {@code machine}'s drain; returns whether it was drained. */
    public boolean undrain(MachineId machine) throws StoreException {
        return ctx.store().delete(ctx.keys().drain(Objects.requireNonNull(machine, "machine")));
    }

    /** The machine's drain, or empty when it is not drained (or the value is malformed: logged). */
    public Optional<Drain> get(MachineId machine) throws StoreException {
        return ctx.read(ctx.keys().drain(machine), Drains::decode);
    }

    /** Every drain, sorted by machine ID. */
    public List<Drain> list() throws StoreException {
        return ctx.readAll(ctx.keys().prefix(KeyLayout.DRAINS), Drains::decode);
    }

    private static Drain decode(KeyValue kv, RegistryKey key) {
        if (key instanceof RegistryKey.Drain(MachineId id)) {
            return Codec.drain(kv, id);
        }
        throw Context.wrongKey(kv);
    }
}
