package dev.flotilla.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.flotilla.registry.KeyLayout.RegistryKey;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;

/**
 * The machines of the cluster ({@code machines/<id>}), each attached to its agent's lease: a
 * machine is a member exactly while its lease lives. Thread-safe.
 */
public final class Machines {

    private final Context ctx;

    Machines(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * Registers (or re-registers) the machine on {@code leaseId}. Writes nothing when the machine is
     * already registered with exactly these facts on this lease, so an agent may call this on
     * every heartbeat without the store's revision moving. Returns whether it wrote.
     *
     * @throws LeaseNotFoundException when the lease has expired or was revoked; nothing is written
     * @throws StoreException when the store fails otherwise
     */
    public boolean register(Machine machine, long leaseId) throws StoreException {
        Objects.requireNonNull(machine, "machine");
        return ctx.putIfChanged(ctx.keys().machine(machine.id()), Codec.encode(machine), leaseId);
    }

    /** The machine, or empty when it is not registered (or its value is malformed: logged). */
    public Optional<Machine> get(MachineId id) throws StoreException {
        return ctx.read(ctx.keys().machine(id), Machines::decode);
    }

    /** Every registered machine, sorted by ID, read at one revision; malformed values are skipped and logged. */
    public List<Machine> list() throws StoreException {
        return ctx.readAll(ctx.keys().prefix(KeyLayout.MACHINES), Machines::decode);
    }

    private static Machine decode(KeyValue kv, RegistryKey key) {
        if (key instanceof RegistryKey.Machine(MachineId id)) {
            return Codec.machine(kv, id);
        }
        throw Context.wrongKey(kv);
    }
}
