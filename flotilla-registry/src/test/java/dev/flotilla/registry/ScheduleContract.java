package dev.flotilla.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.flotilla.registry.ScheduleRefusal.Reason;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.UnitName;

/** The schedule: compare-and-set plans, chunked batches, unschedulable reasons, leader-guarded writes. */
abstract class ScheduleContract extends RegistryTestBase {

    private static ScheduleChange placeOn(RegistrySnapshot s, String name, MachineId machine) {
        UnitRecord u = s.units().get(new UnitName(name));
        return new ScheduleChange.Place(ScheduleEntry.of(u, machine), s.basis(u.name()));
    }

    @Test
    void placementsAreStoredByUnitAndByMachine() throws StoreException, RegistryException {
        submit("a.service", DesiredState.LAUNCHED);
        submit("b.service", DesiredState.LOADED);
        RegistrySnapshot s = registry.snapshot();

        ScheduleResult r = registry.schedule().apply(List.of(placeOn(s, "a.service", M1), placeOn(s, "b.service", M2)));

        assertThat(r.allApplied()).isTrue();
        assertThat(r.applied()).extracting(ScheduleChange::unit).containsExactly(unit("a.service"), unit("b.service"));
        assertThat(r.revision()).isEqualTo(storeRevision());
        assertThat(registry.schedule().list()).containsOnlyKeys(unit("a.service"), unit("b.service"));
        assertThat(registry.schedule().get(unit("b.service")).orElseThrow().desiredState()).isEqualTo(DesiredState.LOADED);
        assertThat(registry.schedule().onMachine(M1)).containsOnlyKeys(unit("a.service"));
        assertThat(registry.machineView(M2).scheduled()).containsOnlyKeys(unit("b.service"));
    }

    @Test
    void movingAUnitRemovesItFromTheOldMachine() throws StoreException, RegistryException {
        submit("a.service", DesiredState.LAUNCHED);
        place("a.service", M1);

        place("a.service", M2);

        assertThat(registry.schedule().onMachine(M1)).isEmpty();
        assertThat(registry.schedule().onMachine(M2)).containsOnlyKeys(unit("a.service"));
        assertThat(registry.schedule().get(unit("a.service")).orElseThrow().machineId()).isEqualTo(M2);
    }

    @Test
    void stalePlanIsRefusedAndChangesNothing() throws StoreException, RegistryException {
        submit("a.service", DesiredState.LAUNCHED);
        submit("b.service", DesiredState.LAUNCHED);
        RegistrySnapshot stale = registry.snapshot();
        // Newer decisions made after the stale plan's snapshot: a is placed, b is stopped.
        place("a.service", M1);
        registry.units().setDesiredState(unit("b.service"), DesiredState.LOADED);
        long before = storeRevision();

        ScheduleResult r = registry.schedule().apply(List.of(placeOn(stale, "a.service", M2),
                placeOn(stale, "b.service", M2)));

        assertThat(r.applied()).isEmpty();
        assertThat(r.refused()).extracting(ScheduleRefusal::reason).containsExactly(Reason.SCHEDULE_CHANGED,
                Reason.UNIT_CHANGED);
        assertThat(r.revision()).isZero();
        assertThat(storeRevision()).isEqualTo(before);
        assertThat(registry.schedule().onMachine(M2)).isEmpty();
        assertThat(registry.schedule().get(unit("a.service")).orElseThrow().machineId()).isEqualTo(M1);
    }

    @Test
    void largeBatchIsChunkedAndOnlyStaleChangesAreRefused() throws StoreException, RegistryException {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            names.add(String.format("web@%03d.service", i));
            submit(names.getLast(), DesiredState.LAUNCHED);
        }
        RegistrySnapshot s = registry.snapshot();
        registry.units().setDesiredState(unit("web@040.service"), DesiredState.LOADED);
        registry.units().destroy(unit("web@120.service"));

        List<ScheduleChange> plan = names.stream().map(n -> placeOn(s, n, n.hashCode() % 2 == 0 ? M1 : M2)).toList();
        ScheduleResult r = registry.schedule().apply(plan);

        assertThat(r.refused()).extracting(f -> f.change().unit().name())
                .containsExactly("web@040.service", "web@120.service");
        assertThat(r.applied()).hasSize(148);
        assertThat(registry.schedule().list()).hasSize(148).doesNotContainKeys(unit("web@040.service"),
                unit("web@120.service"));
        assertThat(registry.schedule().onMachine(M1).size() + registry.schedule().onMachine(M2).size()).isEqualTo(148);
    }

    @Test
    void aBatchMayNameEachUnitOnce() throws StoreException, RegistryException {
        submit("a.service", DesiredState.LAUNCHED);
        RegistrySnapshot s = registry.snapshot();
        assertThatThrownBy(() -> registry.schedule().apply(List.of(placeOn(s, "a.service", M1),
                placeOn(s, "a.service", M2)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unschedulableReasonsReplacePlacementAndPlacingClearsThem() throws StoreException, RegistryException {
        UnitRecord a = submit("a.service", DesiredState.LAUNCHED);
        place("a.service", M1);
        UnschedulableRecord why = new UnschedulableRecord(a.name(), List.of(
                UnschedulableRecord.Reason.on(M1, "conflicts with b.service"),
                UnschedulableRecord.Reason.on(M2, "metadata region=us does not match")));
        RegistrySnapshot s = registry.snapshot();

        registry.schedule().apply(List.of(new ScheduleChange.MarkUnschedulable(why, s.basis(a.name()))));

        assertThat(registry.schedule().unschedulable(a.name())).contains(why);
        assertThat(registry.schedule().get(a.name())).isEmpty();
        assertThat(registry.schedule().onMachine(M1)).isEmpty();
        assertThat(registry.snapshot().unschedulable()).containsEntry(a.name(), why);

        place("a.service", M2);
        assertThat(registry.schedule().unschedulable()).isEmpty();

        RegistrySnapshot placed = registry.snapshot();
        registry.schedule().apply(List.of(new ScheduleChange.Unplace(a.name(), placed.basis(a.name()))));
        assertThat(registry.schedule().list()).isEmpty();
        assertThat(registry.schedule().onMachine(M2)).isEmpty();
    }

    @Test
    void onlyOneOfTwoCampaignersWinsAndTheLosersGuardedWritesAreRefused() throws StoreException, RegistryException {
        long lease1 = lease();
        long lease2 = lease();
        Leadership leader = registry.election().campaign(M1, lease1).orElseThrow();
        assertThat(registry.election().campaign(M2, lease2)).isEmpty();
        assertThat(registry.election().campaign(M1, lease1)).as("re-entrant").contains(leader);
        assertThat(registry.election().leader()).contains(leader);
        assertThat(registry.election().isLeading(leader)).isTrue();

        submit("a.service", DesiredState.LAUNCHED);
        RegistrySnapshot s = registry.snapshot();
        Leadership pretender = new Leadership(M2, lease2, leader.term() - 1, T0);
        long before = storeRevision();
        ScheduleResult refused = registry.schedule().apply(List.of(placeOn(s, "a.service", M2)), pretender);
        assertThat(refused.refused()).extracting(ScheduleRefusal::reason).containsExactly(Reason.NOT_LEADER);
        assertThat(storeRevision()).isEqualTo(before);

        assertThat(registry.schedule().apply(List.of(placeOn(s, "a.service", M1)), leader).allApplied()).isTrue();
    }

    @Test
    void afterTheLeadersLeaseIsRevokedTheOtherWinsAndTheOldTermCannotWrite() throws StoreException, RegistryException {
        long lease1 = lease();
        long lease2 = lease();
        Leadership first = registry.election().campaign(M1, lease1).orElseThrow();
        submit("a.service", DesiredState.LAUNCHED);
        RegistrySnapshot s = registry.snapshot();

        store().revokeLease(lease1);
        assertThat(registry.election().leader()).isEmpty();
        Leadership second = registry.election().campaign(M2, lease2).orElseThrow();

        assertThat(second.term()).isGreaterThan(first.term());
        assertThat(registry.election().isLeading(first)).isFalse();
        long before = storeRevision();
        ScheduleResult stale = registry.schedule().apply(List.of(placeOn(s, "a.service", M1)), first);
        assertThat(stale.refused()).extracting(ScheduleRefusal::reason).containsExactly(Reason.NOT_LEADER);
        assertThat(storeRevision()).isEqualTo(before);
        assertThat(registry.schedule().apply(List.of(placeOn(s, "a.service", M2)), second).allApplied()).isTrue();
    }

    @Test
    void resignEndsOnlyTheCurrentTerm() throws StoreException {
        long lease1 = lease();
        long lease2 = lease();
        Leadership first = registry.election().campaign(M1, lease1).orElseThrow();

        assertThat(registry.election().resign(first)).isTrue();
        Leadership second = registry.election().campaign(M2, lease2).orElseThrow();

        assertThat(registry.election().resign(first)).isFalse();
        assertThat(registry.election().leader()).map(Leadership::machineId).isEqualTo(Optional.of(M2));
        assertThat(registry.election().leader()).contains(second);
    }
}
