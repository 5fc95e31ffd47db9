package dev.flotilla.registry;

import java.util.List;
import java.util.Objects;

import dev.flotilla.registry.KeyLayout.RegistryKey;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.UnitName;

/**
 * The unit states agents publish ({@code states/<unit>/<machine>}), each attached to the
 * publishing agent's lease, so that a dead machine's states vanish with it. Keyed by unit first:
 * a unit's states are one prefix (what {@code fleetctl start} polls and what destroy deletes).
 * Thread-safe.
 */
public final class UnitStates {

    private final Context ctx;

    UnitStates(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * Publishes the state on {@code leaseId} (the agent's lease). Writes nothing when exactly this
     * state is already published on this lease, so an agent may republish on every pass and an
     * idle cluster writes nothing. Returns whether it wrote.
     *
     * @throws LeaseNotFoundException when the lease has expired or was revoked; nothing is written
     * @throws StoreException when the store fails otherwise
     */
    public boolean publish(UnitStateRecord state, long leaseId) throws StoreException {
        Objects.requireNonNull(state, "state");
        return ctx.putIfChanged(ctx.keys().state(state.unit(), state.machineId()), Codec.encode(state), leaseId);
    }

    /** Removes the state of {@code unit} on {@code machine} (the agent unloaded it). Returns whether it existed. */
    public boolean remove(UnitName unit, MachineId machine) throws StoreException {
        return ctx.store().delete(ctx.keys().state(unit, machine));
    }

    /** Every published state, by unit then machine, read at one revision; malformed values skipped and logged. */
    public List<UnitStateRecord> list() throws StoreException {
        return sorted(ctx.readAll(ctx.keys().prefix(KeyLayout.STATES), UnitStates::decode));
    }

    /** The states of {@code unit}, by machine (several for a global unit). */
    public List<UnitStateRecord> ofUnit(UnitName unit) throws StoreException {
        return ctx.readAll(ctx.keys().statesOf(unit), UnitStates::decode);
    }

    /** The states published by {@code machine}, by unit. Reads every state: meant for occasional use. */
    public List<UnitStateRecord> onMachine(MachineId machine) throws StoreException {
        return list().stream().filter(s -> s.machineId().equals(machine)).toList();
    }

    private static List<UnitStateRecord> sorted(List<UnitStateRecord> states) {
        // Key order and name order differ where one name extends another ("a.service" vs "a.service.x").
        return states.stream().sorted((a, b) -> {
            int byUnit = a.unit().compareTo(b.unit());
            return byUnit != 0 ? byUnit : a.machineId().compareTo(b.machineId());
        }).toList();
    }

    private static UnitStateRecord decode(KeyValue kv, RegistryKey key) {
        if (key instanceof RegistryKey.State(UnitName unit, MachineId machine)) {
            return Codec.state(kv, unit, machine);
        }
        throw Context.wrongKey(kv);
    }
}
