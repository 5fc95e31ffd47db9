package dev.flotilla.registry;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.flotilla.unit.UnitName;

/**
 * What concerns one machine's agent: the units placed on it and the global units (each with the
 * state and hash to run; contents are fetched with {@link Units#get} when a hash is new). Read with
 * {@link Registry#machineView} (both parts at one store revision); kept current with
 * {@link #withEvents} from {@link Registry#watchMachine} started at {@code revision() + 1}.
 *
 * <p>The two parts keep their own revisions because {@link Registry#watchMachine} feeds them from
 * two store watches, each in revision order but in any order relative to each other: a placement
 * event applied first must not make the view drop an older global-unit event that arrives later.
 * Immutable and thread-safe.
 *
 * @param machineId the machine
 * @param scheduledRevision the store revision {@code scheduled} reflects: every placement change up
 *     to it, none after
 * @param scheduled the units placed on the machine, by name
 * @param globalsRevision the store revision {@code globals} reflects: every global-unit change up to
 *     it, none after
 * @param globals the global units (templates excluded), by name, whether or not their
 *     {@code MachineMetadata} matches this machine (the agent decides)
 */
public record MachineView(MachineId machineId, long scheduledRevision, SortedMap<UnitName, ScheduleEntry> scheduled,
        long globalsRevision, SortedMap<UnitName, GlobalUnitEntry> globals) {

    /** Makes both maps unmodifiable copies. */
    public MachineView {
        Objects.requireNonNull(machineId, "machineId");
        scheduled = Collections.unmodifiableSortedMap(new TreeMap<>(scheduled));
        globals = Collections.unmodifiableSortedMap(new TreeMap<>(globals));
    }

    /**
     * A view whose two parts were read at one store revision, {@code revision}.
     *
     * @param revision the store revision both parts reflect
     * @param machineId the machine
     * @param scheduled the units placed on the machine, by name
     * @param globals the global units, by name
     */
    public MachineView(long revision, MachineId machineId, SortedMap<UnitName, ScheduleEntry> scheduled,
            SortedMap<UnitName, GlobalUnitEntry> globals) {
        this(machineId, revision, scheduled, revision, globals);
    }

    /**
     * The newer of the two parts' revisions: the revision of the read for a view just read (watch from
     * {@code revision() + 1}); after {@link #withEvents}, the newest change applied.
     */
    public long revision() {
        return Math.max(scheduledRevision, globalsRevision);
    }

    /**
     * This view with {@code events} applied (from {@link Registry#watchMachine} of this machine; a
     * placement on another machine removes the unit from this view). Placement events at or below
     * {@link #scheduledRevision} and global-unit events at or below {@link #globalsRevision} are
     * ignored (already applied), so batches of the two kinds may be applied in any interleaving, and
     * a batch applied twice changes nothing. Events that do not concern the view are ignored. Does
     * not modify this view.
     */
    public MachineView withEvents(List<RegistryEvent> events) {
        long sRev = scheduledRevision;
        long gRev = globalsRevision;
        TreeMap<UnitName, ScheduleEntry> s = new TreeMap<>(scheduled);
        TreeMap<UnitName, GlobalUnitEntry> g = new TreeMap<>(globals);
        for (RegistryEvent event : events) {
            long rev = event.revision();
            switch (event) {
                case RegistryEvent.ScheduleChanged e when rev > scheduledRevision -> {
                    if (e.entry().machineId().equals(machineId)) {
                        s.put(e.entry().unit(), e.entry());
                    } else {
                        s.remove(e.entry().unit());
                    }
                    sRev = Math.max(sRev, rev);
                }
                case RegistryEvent.ScheduleRemoved e when rev > scheduledRevision -> {
                    s.remove(e.unit());
                    sRev = Math.max(sRev, rev);
                }
                case RegistryEvent.GlobalUnitChanged e when rev > globalsRevision -> {
                    g.put(e.entry().unit(), e.entry());
                    gRev = Math.max(gRev, rev);
                }
                case RegistryEvent.GlobalUnitRemoved e when rev > globalsRevision -> {
                    g.remove(e.unit());
                    gRev = Math.max(gRev, rev);
                }
                default -> { }
            }
        }
        return new MachineView(machineId, sRev, s, gRev, g);
    }
}
