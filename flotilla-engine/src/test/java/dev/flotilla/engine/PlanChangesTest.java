package dev.flotilla.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flotilla.engine.scheduler.UnitScheduler;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.RegistryEvent;
import dev.flotilla.registry.RegistrySnapshot;
import dev.flotilla.registry.ScheduleBasis;
import dev.flotilla.registry.ScheduleChange;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.registry.UnschedulableRecord;
import dev.flotilla.unit.UnitName;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** From a registry snapshot to the changes of one pass, with no store: mapping, reasons, echoes. */
class PlanChangesTest {

    private static final MachineId M1 = new MachineId("11111111111111111111111111111111");
    private static final MachineId GONE = new MachineId("99999999999999999999999999999999");
    private static final String PLAIN = "[Service]\nExecStart=/bin/true\n";

    /** A snapshot under construction: every key at its own revision. */
    private final TreeMap<MachineId, Machine> machines = new TreeMap<>();
    private final TreeMap<UnitName, UnitRecord> units = new TreeMap<>();
    private final TreeMap<UnitName, ScheduleEntry> schedule = new TreeMap<>();
    private final TreeMap<UnitName, UnschedulableRecord> unschedulable = new TreeMap<>();
    private final Map<UnitName, Long> unitRevisions = new HashMap<>();
    private final Map<UnitName, Long> scheduleRevisions = new HashMap<>();
    private long revision = 10;

    private void machine(MachineId id) {
        machines.put(id, Machine.of(id, "10.0.0.1", Map.of(), "http://10.0.0.1:1", "h", Instant.EPOCH));
    }

    private UnitRecord unit(String name, String contents, DesiredState state) {
        UnitRecord u = UnitRecord.of(new UnitName(name), contents, state);
        units.put(u.name(), u);
        unitRevisions.put(u.name(), ++revision);
        return u;
    }

    private void place(UnitRecord u, MachineId on) {
        schedule.put(u.name(), ScheduleEntry.of(u, on));
        scheduleRevisions.put(u.name(), ++revision);
    }

    private RegistrySnapshot snapshot() {
        return new RegistrySnapshot(revision, machines, units, schedule, unschedulable, List.<UnitStateRecord>of(),
                Optional.empty(), unitRevisions, scheduleRevisions);
    }

    private static List<ScheduleChange> changes(RegistrySnapshot s) {
        ClusterMapper.Mapped mapped = new ClusterMapper().map(s);
        return PlanChanges.of(new UnitScheduler().plan(mapped.cluster()), s, mapped.unparseable()).changes();
    }

    @Test
    void aConvergedClusterNeedsNoChange() {
        machine(M1);
        place(unit("a.service", PLAIN, DesiredState.LAUNCHED), M1);
        unit("idle.service", PLAIN, DesiredState.INACTIVE);
        unit("web@.service", PLAIN, DesiredState.LAUNCHED);

        assertThat(changes(snapshot())).isEmpty();
    }

    @Test
    void aUnitThatFitsNowhereLeavesItsDeadMachineWithItsReasons() {
        machine(M1);
        UnitRecord pinned = unit("pinned.service", PLAIN + "[X-Fleet]\nMachineID=" + GONE + "\n", DesiredState.LAUNCHED);
        place(pinned, GONE);
        RegistrySnapshot s = snapshot();

        List<ScheduleChange> changes = changes(s);

        UnschedulableRecord why = new UnschedulableRecord(pinned.name(), List.of(UnschedulableRecord.Reason.on(M1,
                "not machine " + GONE + " (MachineID)")));
        assertThat(changes).containsExactly(new ScheduleChange.MarkUnschedulable(why, s.basis(pinned.name())));
        // Once written (and the placement gone), the same reasons are not written again.
        schedule.clear();
        unschedulable.put(pinned.name(), why);
        assertThat(changes(snapshot())).isEmpty();
    }

    @Test
    void aStoredUnitThatNoLongerParsesIsUnplacedWithTheParserMessage() {
        machine(M1);
        UnitRecord broken = unit("broken.service", PLAIN + "[X-Fleet]\nNoSuchOption=1\n", DesiredState.LAUNCHED);
        place(broken, M1);
        RegistrySnapshot s = snapshot();

        List<ScheduleChange> changes = changes(s);

        assertThat(changes).singleElement().isInstanceOfSatisfying(ScheduleChange.MarkUnschedulable.class, m -> {
            assertThat(m.basis().scheduledOn()).contains(M1);
            assertThat(m.record().reasons()).singleElement().satisfies(r -> {
                assertThat(r.machineId()).isEmpty();
                assertThat(r.reason()).startsWith(PlanChanges.UNPARSEABLE).contains("NoSuchOption");
            });
        });
    }

    @Test
    void reasonsThatNoLongerHoldAreClearedWithoutMovingTheUnit() {
        machine(M1);
        UnitRecord placed = unit("placed.service", PLAIN, DesiredState.LAUNCHED);
        place(placed, M1);
        UnitRecord idle = unit("idle.service", PLAIN, DesiredState.INACTIVE);
        for (UnitRecord u : List.of(placed, idle)) {
            unschedulable.put(u.name(), new UnschedulableRecord(u.name(),
                    List.of(UnschedulableRecord.Reason.everywhere("stale"))));
        }
        RegistrySnapshot s = snapshot();

        assertThat(changes(s)).containsExactly(
                new ScheduleChange.Unplace(idle.name(), ScheduleBasis.unplaced(unitRevisions.get(idle.name()))),
                new ScheduleChange.Place(ScheduleEntry.of(placed, M1), s.basis(placed.name())));
    }

    @Test
    void theLeadersOwnWritesComingBackAreNotAReasonToPlanAgain() {
        UnitRecord a = UnitRecord.of(new UnitName("a.service"), PLAIN, DesiredState.LAUNCHED);
        ScheduleEntry entry = ScheduleEntry.of(a, M1);
        Echoes echoes = new Echoes();
        echoes.expect(List.of(new ScheduleChange.Place(entry, ScheduleBasis.unplaced(5))), 20);

        assertThat(echoes.anyRelevant(List.of(new RegistryEvent.ScheduleChanged(entry, 20),
                new RegistryEvent.UnschedulableCleared(a.name(), 20)))).isFalse();
        assertThat(echoes.anyRelevant(List.of(new RegistryEvent.StateRemoved(a.name(), M1, 21)))).isFalse();
        assertThat(echoes.anyRelevant(List.of(new RegistryEvent.ScheduleChanged(ScheduleEntry.of(a, GONE), 20))))
                .as("someone else's placement").isTrue();
        assertThat(echoes.anyRelevant(List.of(new RegistryEvent.ScheduleChanged(entry, 22))))
                .as("after the leader's writes: another writer's").isTrue();
        assertThat(echoes.anyRelevant(List.of(new RegistryEvent.MachineLeft(M1, 23)))).isTrue();
    }
}
