package dev.flotilla.registry;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.flotilla.unit.UnitName;

/**
 * What concerns one machine's agent, as of one store revision: the units placed on it and the
 * global units (each with the state and hash to run; contents are fetched with {@link Units#get}
 * when a hash is new). Read with {@link Registry#machineView}; kept current with
 * {@link #withEvents} from {@link Registry#watchMachine} started at {@code revision + 1}.
 * Immutable and thread-safe.
 *
 * @param revision the store revision the view reflects
 * @param machineId the machine
 * @param scheduled the units placed on the machine, by name
 * @param globals the global units (templates excluded), by name, whether or not their
 *     {@code MachineMetadata} matches this machine (the agent decides)
 */
public record MachineView(long revision, MachineId machineId, SortedMap<UnitName, ScheduleEntry> scheduled,
        SortedMap<UnitName, GlobalUnitEntry> globals) {

    /** Makes both maps unmodifiable copies. */
    public MachineView {
        Objects.requireNonNull(machineId, "machineId");
        scheduled = Collections.unmodifiableSortedMap(new TreeMap<>(scheduled));
        globals = Collections.unmodifiableSortedMap(new TreeMap<>(globals));
    }

    /**
     * This view with {@code events} applied (from {@link Registry#watchMachine} of this machine; a
     * placement on another machine removes the unit from this view). Events that do not concern the
     * view are ignored, as are events at or below {@link #revision}. Does not modify this view.
     */
    public MachineView withEvents(List<RegistryEvent> events) {
        long rev = revision;
        TreeMap<UnitName, ScheduleEntry> s = new TreeMap<>(scheduled);
        TreeMap<UnitName, GlobalUnitEntry> g = new TreeMap<>(globals);
        for (RegistryEvent event : events) {
            if (event.revision() <= revision) {
                continue;
            }
            rev = Math.max(rev, event.revision());
            switch (event) {
                case RegistryEvent.ScheduleChanged e when e.entry().machineId().equals(machineId) ->
                        s.put(e.entry().unit(), e.entry());
                case RegistryEvent.ScheduleChanged e -> s.remove(e.entry().unit());
                case RegistryEvent.ScheduleRemoved e -> s.remove(e.unit());
                case RegistryEvent.GlobalUnitChanged e -> g.put(e.entry().unit(), e.entry());
                case RegistryEvent.GlobalUnitRemoved e -> g.remove(e.unit());
                default -> { }
            }
        }
        return new MachineView(rev, machineId, s, g);
    }
}
