package dev.flotilla.registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.registry.KeyLayout.RegistryKey;
import dev.flotilla.store.Compare;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.Op;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;
import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;
import dev.flotilla.unit.UnitParseException;

/**
 * The units of the cluster: their files and desired states ({@code units/<name>}, no lease). Every
 * write also keeps, in the same transaction, the global-unit index ({@code global-units/<name>})
 * and the unit's placement in step with the unit (the placed state and hash; an inactive unit is
 * unplaced), so an agent never sees a placement that disagrees with its unit. Every write is a
 * compare-and-set on the revisions of the unit and its placement, so concurrent writers (users,
 * the engine) never clobber each other; writes that would change nothing are not made. Where to
 * place a unit is the engine's decision ({@link Schedule#apply}), never made here. Thread-safe.
 */
public final class Units {

    /** Largest unit file stored, in UTF-8 bytes ({@link dev.flotilla.unit.UnitFile#MAX_BYTES}). */
    public static final int MAX_CONTENTS_BYTES = dev.flotilla.unit.UnitFile.MAX_BYTES;
    /** Largest stored unit value (contents escaped as JSON, plus fields), in bytes. */
    static final int MAX_VALUE_BYTES = 1400 * 1024;
    /** How often a read-modify-write is retried when another writer got in between. */
    static final int MAX_ATTEMPTS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(Units.class);

    private final Context ctx;

    Units(Context ctx) {
        this.ctx = ctx;
    }

    /** What {@link #create} did. */
    public enum Outcome {
        /** The unit did not exist and was written. */
        CREATED,
        /** The unit existed with other contents and was replaced (its desired state kept). */
        REPLACED,
        /** The unit existed with the same contents: nothing was written. */
        UNCHANGED
    }

    /**
     * The outcome of {@link #create}.
     *
     * @param outcome what happened
     * @param unit the unit as stored after the call
     */
    public record CreateResult(Outcome outcome, UnitRecord unit) {
        /** Checks that no component is null. */
        public CreateResult {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(unit, "unit");
        }
    }

    /**
     * Submits a unit: stores it with {@code initialState} when it is new; when a unit of that name
     * exists with the same contents, writes nothing; with other contents, replaces the contents
     * (keeping the existing desired state; a placement takes the new hash, so its agent restarts the
     * unit) if {@code replace}, and refuses otherwise. The contents
     * are checked as {@link UnitDefinition#parse} checks them, before anything is written.
     *
     * @throws UnitParseException when the contents are not a valid unit (unchecked); nothing is written
     * @throws UnitExistsException when the unit exists with other contents and {@code replace} is false
     * @throws UnitTooLargeException when the contents exceed {@link #MAX_CONTENTS_BYTES}
     * @throws ConcurrentUpdateException when other writers kept changing the unit meanwhile
     * @throws StoreException when the store fails (a transient failure may have written)
     */
    public CreateResult create(UnitName name, String contents, DesiredState initialState, boolean replace)
            throws StoreException, RegistryException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contents, "contents");
        Objects.requireNonNull(initialState, "initialState");
        int size = contents.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_CONTENTS_BYTES) {
            throw new UnitTooLargeException(name, size, MAX_CONTENTS_BYTES);
        }
        boolean global = isGlobal(UnitDefinition.parse(name, contents).fleet(), name);
        String key = ctx.keys().unit(name);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<KeyValue> current = ctx.store().get(key);
            Optional<UnitRecord> existing = current.flatMap(kv -> ctx.decoder().decodeOrSkip(kv, () -> Codec.unit(kv, name)));
            if (existing.isPresent() && existing.get().contents().equals(contents)) {
                return new CreateResult(Outcome.UNCHANGED, existing.get());
            }
            if (current.isPresent() && !replace) {
                throw new UnitExistsException(name);
            }
            UnitRecord record = UnitRecord.of(name, contents, existing.map(UnitRecord::desiredState).orElse(initialState));
            byte[] value = Codec.encode(record);
            if (value.length > MAX_VALUE_BYTES) {
                throw new UnitTooLargeException(name, value.length, MAX_VALUE_BYTES);
            }
            long expected = current.map(KeyValue::modRevision).orElse(0L);
            if (writeUnit(record, value, global, expected)) {
                return new CreateResult(current.isPresent() ? Outcome.REPLACED : Outcome.CREATED, record);
            }
            backOff(attempt);
        }
        throw new ConcurrentUpdateException(name, MAX_ATTEMPTS);
    }

    /**
     * After a lost compare-and-set: waits a random 0 to 2^attempt ms (at most 64), so that two writers
     * contending for one unit stop colliding instead of one of them losing every round while the other,
     * scheduled first, keeps winning.
     */
    private static void backOff(int attempt) throws StoreException {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1L << Math.min(attempt, 6) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientStoreException("interrupted while retrying a contended update", e);
        }
    }

    /** The unit named {@code name}, or empty when there is none (or its value is malformed: logged). */
    public Optional<UnitRecord> get(UnitName name) throws StoreException {
        return ctx.read(ctx.keys().unit(name), Units::decode);
    }

    /** Every unit, sorted by name, read at one revision; malformed values are skipped and logged. */
    public List<UnitRecord> list() throws StoreException {
        List<UnitRecord> units = new ArrayList<>(ctx.readAll(ctx.keys().prefix(KeyLayout.UNITS), Units::decode));
        // Key order and name order differ where one name extends another ("a.service" < "a.service.x").
        units.sort((a, b) -> a.name().compareTo(b.name()));
        return units;
    }

    /**
     * Sets the unit's desired state, keeping its contents. A placed unit's placement takes the new
     * state at once (the agent acts on it without waiting for the engine); setting
     * {@link DesiredState#INACTIVE} removes the placement and any unschedulable reasons; placing an
     * unplaced unit is left to the engine. Writes nothing (and returns false) when the unit already
     * has that state.
     *
     * @throws UnitNotFoundException when there is no such unit
     * @throws ConcurrentUpdateException when other writers kept changing the unit meanwhile
     * @throws StoreException when the store fails (a transient failure may have written)
     */
    public boolean setDesiredState(UnitName name, DesiredState state) throws StoreException, RegistryException {
        Objects.requireNonNull(state, "state");
        String key = ctx.keys().unit(name);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<KeyValue> current = ctx.store().get(key);
            if (current.isEmpty()) {
                throw new UnitNotFoundException(name);
            }
            KeyValue kv = current.get();
            UnitRecord existing = ctx.decoder().decodeOrSkip(kv, () -> Codec.unit(kv, name))
                    .orElseThrow(() -> new UnitNotFoundException(name));
            if (existing.desiredState() == state) {
                return false;
            }
            UnitRecord record = existing.withDesiredState(state);
            if (writeUnit(record, Codec.encode(record), isGlobal(record), kv.modRevision())) {
                return true;
            }
            backOff(attempt);
        }
        throw new ConcurrentUpdateException(name, MAX_ATTEMPTS);
    }

    /**
     * Destroys the unit: removes it, its global-index entry, its placement (both schedule keys), its
     * unschedulable reasons and every published state of it, in one transaction. Returns false
     * (writing nothing) when there is no such unit.
     *
     * @throws ConcurrentUpdateException when other writers kept changing the unit or its placement
     * @throws StoreException when the store fails (a transient failure may have written)
     */
    public boolean destroy(UnitName name) throws StoreException, RegistryException {
        KeyLayout keys = ctx.keys();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<KeyValue> unit = ctx.store().get(keys.unit(name));
            if (unit.isEmpty()) {
                return false;
            }
            Optional<KeyValue> placement = ctx.store().get(keys.scheduleByUnit(name));
            List<Op> ops = new ArrayList<>(List.of(new Op.Delete(keys.unit(name), false),
                    new Op.Delete(keys.globalUnit(name), false),
                    new Op.Delete(keys.unschedulable(name), false),
                    new Op.Delete(keys.statesOf(name), true)));
            if (placement.isPresent()) {
                ops.add(new Op.Delete(keys.scheduleByUnit(name), false));
                // A malformed entry names no machine: its per-machine copy cannot be found, only logged.
                ctx.decoder().decodeOrSkip(placement.get(), () -> Codec.schedule(placement.get(), name))
                        .ifPresent(e -> ops.add(new Op.Delete(keys.scheduleOnMachine(e.machineId(), name), false)));
            }
            List<Compare> compares = List.of(new Compare.ModRevision(keys.unit(name), unit.get().modRevision()),
                    new Compare.ModRevision(keys.scheduleByUnit(name), placement.map(KeyValue::modRevision).orElse(0L)));
            if (ctx.store().txn(compares, ops, List.of()).succeeded()) {
                return true;
            }
            backOff(attempt);
        }
        throw new ConcurrentUpdateException(name, MAX_ATTEMPTS);
    }

    /**
     * Writes the unit and its global-index entry, and keeps its placement in step: a placed unit's
     * entry (both keys) takes the new state and hash, an inactive unit loses its placement and its
     * unschedulable reasons. All in one transaction, only if neither the unit (still at
     * {@code expectedRevision}) nor its placement changed since they were read.
     */
    private boolean writeUnit(UnitRecord record, byte[] value, boolean global, long expectedRevision)
            throws StoreException {
        KeyLayout keys = ctx.keys();
        UnitName name = record.name();
        Optional<KeyValue> placement = ctx.store().get(keys.scheduleByUnit(name));
        Optional<ScheduleEntry> entry = placement.flatMap(
                kv -> ctx.decoder().decodeOrSkip(kv, () -> Codec.schedule(kv, name)));
        List<Op> ops = new ArrayList<>();
        ops.add(new Op.Put(keys.unit(name), value));
        ops.add(global ? new Op.Put(keys.globalUnit(name), Codec.encode(GlobalUnitEntry.of(record)))
                : new Op.Delete(keys.globalUnit(name), false));
        if (entry.isPresent()) {
            MachineId machine = entry.get().machineId();
            if (record.desiredState().isPlaced()) {
                ScheduleEntry updated = ScheduleEntry.of(record, machine);
                if (!updated.equals(entry.get())) {
                    byte[] bytes = Codec.encode(updated);
                    ops.add(new Op.Put(keys.scheduleByUnit(name), bytes));
                    ops.add(new Op.Put(keys.scheduleOnMachine(machine, name), bytes));
                }
            } else {
                ops.add(new Op.Delete(keys.scheduleByUnit(name), false));
                ops.add(new Op.Delete(keys.scheduleOnMachine(machine, name), false));
            }
        }
        if (!record.desiredState().isPlaced()) {
            ops.add(new Op.Delete(keys.unschedulable(name), false));
        }
        List<Compare> compares = List.of(new Compare.ModRevision(keys.unit(name), expectedRevision),
                new Compare.ModRevision(keys.scheduleByUnit(name), placement.map(KeyValue::modRevision).orElse(0L)));
        return ctx.store().txn(compares, ops, List.of()).succeeded();
    }

    /** Whether agents run the unit by themselves: {@code Global=true}, and not a template (never run). */
    private static boolean isGlobal(FleetOptions fleet, UnitName name) {
        return fleet.global() && !name.isTemplate();
    }

    private static boolean isGlobal(UnitRecord record) {
        try {
            return isGlobal(FleetOptions.parse(UnitFile.parse(record.name().name(), record.contents()), record.name()),
                    record.name());
        } catch (UnitParseException e) {
            // Stored before a stricter parser: agents cannot run it anyway, so it is not indexed.
            LOG.warn("Unit {} no longer parses ({}); it is not indexed as global", record.name(), e.getMessage());
            return false;
        }
    }

    private static UnitRecord decode(KeyValue kv, RegistryKey key) {
        if (key instanceof RegistryKey.Unit(UnitName name)) {
            return Codec.unit(kv, name);
        }
        throw Context.wrongKey(kv);
    }
}
