package dev.flotilla.engine.scheduler;

import static dev.flotilla.engine.scheduler.Fixtures.M_2AA;
import static dev.flotilla.engine.scheduler.Fixtures.M_684;
import static dev.flotilla.engine.scheduler.Fixtures.M_C3F;
import static dev.flotilla.engine.scheduler.Fixtures.M_EE5;
import static dev.flotilla.engine.scheduler.Fixtures.applied;
import static dev.flotilla.engine.scheduler.Fixtures.fourMachines;
import static dev.flotilla.engine.scheduler.Fixtures.machine;
import static dev.flotilla.engine.scheduler.Fixtures.name;
import static dev.flotilla.engine.scheduler.Fixtures.plan;
import static dev.flotilla.engine.scheduler.Fixtures.snapshot;
import static dev.flotilla.engine.scheduler.Fixtures.unit;
import static dev.flotilla.engine.scheduler.Fixtures.withMachines;
import static dev.flotilla.engine.scheduler.Fixtures.withState;
import static dev.flotilla.engine.scheduler.Fixtures.without;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flotilla.unit.UnitName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What stays put: units on live machines that still fit; spreading by load; desired states. */
class StabilityTest {

    static ClusterSnapshot tenWebs() {
        List<UnitSpec> units = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            units.add(unit(String.format("web@%02d.service", i)));
        }
        return snapshot(fourMachines(), units);
    }

    static Map<String, Integer> perMachine(Plan plan) {
        Map<String, Integer> n = new TreeMap<>();
        plan.schedule().values().forEach(m -> n.merge(m, 1, Integer::sum));
        return n;
    }

    @Test
    void tenInstancesSpreadThreeThreeTwoTwoOverFourMachinesTiesByMachineId() {
        Plan plan = plan(tenWebs());

        assertThat(perMachine(plan)).containsExactly(Map.entry(M_2AA, 3), Map.entry(M_684, 3), Map.entry(M_C3F, 2),
                Map.entry(M_EE5, 2));
        assertThat(plan.schedule().get(name("web@01.service"))).isEqualTo(M_2AA);
        assertThat(plan.schedule().get(name("web@02.service"))).isEqualTo(M_684);
        assertThat(plan.schedule().get(name("web@05.service"))).isEqualTo(M_2AA);
    }

    @Test
    void nodeLossMovesExactlyTheDeadMachinesUnits() {
        ClusterSnapshot running = applied(tenWebs(), plan(tenWebs()));
        Plan before = plan(running);
        assertThat(before.decisions()).isEmpty();

        Plan after = plan(withMachines(running, without(fourMachines(), M_684), before));

        List<UnitName> wereOnDead = before.schedule().entrySet().stream().filter(e -> e.getValue().equals(M_684))
                .map(Map.Entry::getKey).toList();
        assertThat(after.decisions()).extracting(Decision::unit).containsExactlyElementsOf(wereOnDead);
        assertThat(after.decisions()).allSatisfy(d -> assertThat(d).isInstanceOfSatisfying(Decision.Move.class,
                m -> assertThat(m.reason()).isEqualTo("machine 6847f4f7 is gone")));
        assertThat(perMachine(after).values()).containsExactlyInAnyOrder(4, 3, 3);
    }

    @Test
    void aNewMachineJoiningMovesNothing() {
        List<Machine> three = without(fourMachines(), M_EE5);
        ClusterSnapshot s = applied(snapshot(three, tenWebs().units()), plan(snapshot(three, tenWebs().units())));

        Plan plan = plan(withMachines(s, fourMachines(), plan(s)));

        assertThat(plan.decisions()).isEmpty();
        assertThat(plan.unschedulable()).isEmpty();
    }

    @Test
    void newUnitsFillTheNewMachineFirst() {
        List<Machine> three = without(fourMachines(), M_EE5);
        ClusterSnapshot s = applied(snapshot(three, tenWebs().units()), plan(snapshot(three, tenWebs().units())));
        List<UnitSpec> more = new ArrayList<>(s.units());
        more.add(unit("web@11.service"));

        assertThat(plan(snapshot(fourMachines(), more)).decisions())
                .containsExactly(new Decision.Assign(name("web@11.service"), M_EE5));
    }

    @Test
    void inactiveUnitsAreUnassignedAndLoadedUnitsArePlaced() {
        Plan plan = plan(snapshot(List.of(machine(M_2AA)),
                withState(unit("stopped.service"), DesiredState.LOADED),
                withState(unit("unloaded.service"), DesiredState.INACTIVE).onMachine(M_2AA),
                withState(unit("submitted.service"), DesiredState.INACTIVE)));

        assertThat(plan.decisions()).containsExactly(new Decision.Assign(name("stopped.service"), M_2AA),
                new Decision.Unassign(name("unloaded.service"), M_2AA, "desired state inactive"));
        assertThat(plan.unschedulable()).isEmpty();
    }

    @Test
    void templatesAreNeverScheduled() {
        Plan plan = plan(snapshot(List.of(machine(M_2AA)), unit("web@.service"),
                unit("monweb@.service").onMachine(M_2AA)));

        assertThat(plan.schedule()).isEmpty();
        assertThat(plan.unschedulable()).isEmpty();
        assertThat(plan.decisions()).containsExactly(
                new Decision.Unassign(name("monweb@.service"), M_2AA, "templates are never scheduled"));
    }

    @Test
    void aClusterWithoutMachinesExplainsItself() {
        Plan plan = plan(snapshot(List.of(), unit("a.service").onMachine(M_2AA)));

        assertThat(plan.decisions()).containsExactly(
                new Decision.Unassign(name("a.service"), M_2AA, "machine 2aa4e35a is gone"));
        assertThat(plan.summaries()).containsExactly("no machine fits a.service: the cluster has no machines");
    }

}
