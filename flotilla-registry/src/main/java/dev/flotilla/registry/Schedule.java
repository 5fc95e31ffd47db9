package dev.flotilla.registry;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.flotilla.registry.KeyLayout.RegistryKey;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.UnitName;

/**
 * The placements of units on machines and the reasons units cannot be placed. Each placement is
 * stored twice in one transaction: {@code schedule/units/<unit>} (the authoritative entry, the one
 * plans are compared against) and {@code schedule/machines/<machine>/<unit>} (the copy one agent
 * watches). Neither is attached to a lease: a placement outlives its machine until the engine
 * moves it. Thread-safe.
 */
public final class Schedule {

    private final Context ctx;
    private final EngineElection election;

    Schedule(Context ctx, EngineElection election) {
        this.ctx = ctx;
        this.election = election;
    }

    /** Every placement, by unit, read at one revision; malformed values are skipped and logged. */
    public SortedMap<UnitName, ScheduleEntry> list() throws StoreException {
        return byUnit(ctx.readAll(ctx.keys().prefix(KeyLayout.SCHEDULE_BY_UNIT), Schedule::decode));
    }

    /** Where {@code unit} is placed, or empty when it is not. */
    public Optional<ScheduleEntry> get(UnitName unit) throws StoreException {
        return ctx.read(ctx.keys().scheduleByUnit(unit), Schedule::decode);
    }

    /** The units placed on {@code machine}, by name: one prefix read, whatever the cluster's size. */
    public SortedMap<UnitName, ScheduleEntry> onMachine(MachineId machine) throws StoreException {
        return byUnit(ctx.readAll(ctx.keys().scheduleOnMachinePrefix(machine), Schedule::decode));
    }

    /** The recorded reasons why units are not placed, by unit. */
    public SortedMap<UnitName, UnschedulableRecord> unschedulable() throws StoreException {
        TreeMap<UnitName, UnschedulableRecord> out = new TreeMap<>();
        ctx.readAll(ctx.keys().prefix(KeyLayout.UNSCHEDULABLE), Schedule::decodeUnschedulable)
                .forEach(r -> out.put(r.unit(), r));
        return Collections.unmodifiableSortedMap(out);
    }

    /** Why {@code unit} is not placed, or empty when no reason is recorded. */
    public Optional<UnschedulableRecord> unschedulable(UnitName unit) throws StoreException {
        return ctx.read(ctx.keys().unschedulable(unit), Schedule::decodeUnschedulable);
    }

    /**
     * Applies a batch of changes, each only if its {@link ScheduleBasis} still holds (the unit and
     * its placement are at the revisions the plan was made against). Changes that no longer hold
     * are refused and reported; the others are written, in as few transactions as etcd's limit of
     * 128 operations per transaction allows (a transaction applies all of its changes or none).
     * The caller should plan only real changes: an unchanged placement is rewritten if given.
     * Unguarded: meant for tools and tests; the engine uses {@link #apply(List, Leadership)}.
     *
     * @throws IllegalArgumentException when two changes name the same unit; nothing is written
     * @throws StoreException when the store fails; earlier transactions of the batch may have been
     *     applied (re-read to know)
     */
    public ScheduleResult apply(List<ScheduleChange> changes) throws StoreException {
        return new ScheduleApplier(ctx, null).apply(changes);
    }

    /**
     * As {@link #apply(List)}, and only while {@code term} lasts: every transaction also compares
     * the leader key, so a leader whose term has ended (its lease expired; another was elected)
     * writes nothing; all its remaining changes are refused with
     * {@link ScheduleRefusal.Reason#NOT_LEADER}.
     *
     * @throws IllegalArgumentException when two changes name the same unit; nothing is written
     * @throws StoreException as {@link #apply(List)}
     */
    public ScheduleResult apply(List<ScheduleChange> changes, Leadership term) throws StoreException {
        Objects.requireNonNull(term, "term");
        return new ScheduleApplier(ctx, election.guard(term)).apply(changes);
    }

    private static SortedMap<UnitName, ScheduleEntry> byUnit(List<ScheduleEntry> entries) {
        TreeMap<UnitName, ScheduleEntry> out = new TreeMap<>();
        entries.forEach(e -> out.put(e.unit(), e));
        return Collections.unmodifiableSortedMap(out);
    }

    private static ScheduleEntry decode(KeyValue kv, RegistryKey key) {
        return switch (key) {
            case RegistryKey.Schedule k -> Codec.schedule(kv, k.unit());
            case RegistryKey.MachineSchedule k -> EventDecoder.onMachine(Codec.schedule(kv, k.unit()), k, kv);
            default -> throw Context.wrongKey(kv);
        };
    }

    private static UnschedulableRecord decodeUnschedulable(KeyValue kv, RegistryKey key) {
        if (key instanceof RegistryKey.Unschedulable(UnitName unit)) {
            return Codec.unschedulable(kv, unit);
        }
        throw Context.wrongKey(kv);
    }
}
