package dev.flotilla.registry;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.flotilla.registry.KeyLayout.RegistryKey;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.RangeResult;
import dev.flotilla.unit.UnitName;

/** Builds a {@link RegistrySnapshot} from a range of the root, or from a snapshot and events. Not thread-safe. */
final class SnapshotBuilder {

    private long revision;
    private final TreeMap<MachineId, Machine> machines = new TreeMap<>();
    private final TreeMap<UnitName, UnitRecord> units = new TreeMap<>();
    private final TreeMap<UnitName, ScheduleEntry> schedule = new TreeMap<>();
    private final TreeMap<UnitName, UnschedulableRecord> unschedulable = new TreeMap<>();
    /** By unit, then machine: the order of the {@code states/<unit>/<machine>} keys. */
    private final TreeMap<UnitName, TreeMap<MachineId, UnitStateRecord>> states = new TreeMap<>();
    private Optional<Leadership> leader = Optional.empty();
    private final TreeMap<MachineId, Drain> drains = new TreeMap<>();
    private final Map<UnitName, Long> unitRevisions = new HashMap<>();
    private final Map<UnitName, Long> scheduleRevisions = new HashMap<>();

    SnapshotBuilder(RegistrySnapshot from) {
        revision = from.revision();
        machines.putAll(from.machines());
        units.putAll(from.units());
        schedule.putAll(from.schedule());
        unschedulable.putAll(from.unschedulable());
        from.states().forEach(this::putState);
        leader = from.leader();
        drains.putAll(from.drains());
        unitRevisions.putAll(from.unitRevisions());
        scheduleRevisions.putAll(from.scheduleRevisions());
    }

    /** A snapshot of {@code range} (a range of the registry's root), skipping what does not decode. */
    static RegistrySnapshot of(RangeResult range, EventDecoder decoder) {
        SnapshotBuilder b = new SnapshotBuilder();
        b.revision = range.revision();
        for (KeyValue kv : range.kvs()) {
            decoder.key(kv).ifPresent(key -> b.add(key, kv, decoder));
        }
        return b.build();
    }

    private SnapshotBuilder() {
    }

    private void add(RegistryKey key, KeyValue kv, EventDecoder decoder) {
        switch (key) {
            case RegistryKey.Machine k ->
                    decoder.decodeOrSkip(kv, () -> Codec.machine(kv, k.id())).ifPresent(m -> machines.put(k.id(), m));
            case RegistryKey.Unit k -> decoder.decodeOrSkip(kv, () -> Codec.unit(kv, k.name())).ifPresent(u -> {
                units.put(k.name(), u);
                unitRevisions.put(k.name(), kv.modRevision());
            });
            case RegistryKey.Schedule k ->
                    decoder.decodeOrSkip(kv, () -> Codec.schedule(kv, k.unit())).ifPresent(s -> {
                        schedule.put(k.unit(), s);
                        scheduleRevisions.put(k.unit(), kv.modRevision());
                    });
            case RegistryKey.Unschedulable k -> decoder.decodeOrSkip(kv, () -> Codec.unschedulable(kv, k.unit()))
                    .ifPresent(u -> unschedulable.put(k.unit(), u));
            case RegistryKey.State k -> decoder.decodeOrSkip(kv, () -> Codec.state(kv, k.unit(), k.machine()))
                    .ifPresent(this::putState);
            case RegistryKey.Leader k -> leader = decoder.decodeOrSkip(kv, () -> Codec.leader(kv));
            case RegistryKey.Drain k ->
                    decoder.decodeOrSkip(kv, () -> Codec.drain(kv, k.machine())).ifPresent(d -> drains.put(k.machine(), d));
            // Copies kept for agents' cheap views; the snapshot reads the authoritative keys.
            case RegistryKey.MachineSchedule k -> { }
            case RegistryKey.GlobalUnit k -> { }
            // Service endpoints are read through Services; the engine plans without them.
            case RegistryKey.Endpoint k -> { }
        }
    }

    void apply(RegistryEvent event) {
        revision = Math.max(revision, event.revision());
        switch (event) {
            case RegistryEvent.MachineJoined e -> machines.put(e.machine().id(), e.machine());
            case RegistryEvent.MachineUpdated e -> machines.put(e.machine().id(), e.machine());
            case RegistryEvent.MachineLeft e -> machines.remove(e.machineId());
            case RegistryEvent.UnitChanged e -> {
                units.put(e.unit().name(), e.unit());
                unitRevisions.put(e.unit().name(), e.revision());
            }
            case RegistryEvent.UnitRemoved e -> {
                units.remove(e.unit());
                unitRevisions.remove(e.unit());
            }
            case RegistryEvent.ScheduleChanged e -> {
                schedule.put(e.entry().unit(), e.entry());
                scheduleRevisions.put(e.entry().unit(), e.revision());
            }
            case RegistryEvent.ScheduleRemoved e -> {
                schedule.remove(e.unit());
                scheduleRevisions.remove(e.unit());
            }
            case RegistryEvent.UnschedulableChanged e -> unschedulable.put(e.record().unit(), e.record());
            case RegistryEvent.UnschedulableCleared e -> unschedulable.remove(e.unit());
            case RegistryEvent.StateChanged e -> putState(e.state());
            case RegistryEvent.StateRemoved e -> {
                TreeMap<MachineId, UnitStateRecord> byMachine = states.get(e.unit());
                if (byMachine != null && byMachine.remove(e.machineId()) != null && byMachine.isEmpty()) {
                    states.remove(e.unit());
                }
            }
            case RegistryEvent.LeaderElected e -> leader = Optional.of(e.leadership());
            case RegistryEvent.LeaderGone e -> leader = Optional.empty();
            case RegistryEvent.DrainChanged e -> drains.put(e.drain().machineId(), e.drain());
            case RegistryEvent.DrainCleared e -> drains.remove(e.machineId());
            case RegistryEvent.GlobalUnitChanged e -> { }
            case RegistryEvent.GlobalUnitRemoved e -> { }
            case RegistryEvent.EndpointChanged e -> { }
            case RegistryEvent.EndpointRemoved e -> { }
        }
    }

    RegistrySnapshot build() {
        return new RegistrySnapshot(revision, machines, units, schedule, unschedulable,
                states.values().stream().flatMap(m -> m.values().stream()).toList(), leader, unitRevisions,
                scheduleRevisions, drains);
    }

    private void putState(UnitStateRecord s) {
        states.computeIfAbsent(s.unit(), u -> new TreeMap<>()).put(s.machineId(), s);
    }
}
