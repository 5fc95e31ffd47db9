package dev.flotilla.engine.scheduler;

import static dev.flotilla.engine.scheduler.Fixtures.M_2AA;
import static dev.flotilla.engine.scheduler.Fixtures.M_684;
import static dev.flotilla.engine.scheduler.Fixtures.M_C3F;
import static dev.flotilla.engine.scheduler.Fixtures.machine;
import static dev.flotilla.engine.scheduler.Fixtures.name;
import static dev.flotilla.engine.scheduler.Fixtures.on;
import static dev.flotilla.engine.scheduler.Fixtures.plan;
import static dev.flotilla.engine.scheduler.Fixtures.snapshot;
import static dev.flotilla.engine.scheduler.Fixtures.unit;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** fleet's conflict scenarios (functional/scheduling_test.go), at the scheduler level. */
class ConflictsTest {

    static final List<Machine> THREE = List.of(machine(M_2AA), machine(M_684), machine(M_C3F));

    @Test
    void fiveConflictingUnitsOnThreeMachinesPlaceThreeOnDistinctMachinesAndExplainTheOtherTwo() {
        UnitSpec[] units = new UnitSpec[5];
        for (int i = 0; i < 5; i++) {
            units[i] = unit("conflict." + i + ".service", "Conflicts=conflict.*.service");
        }
        Plan plan = plan(snapshot(THREE, units));

        assertThat(plan.schedule()).hasSize(3);
        assertThat(plan.schedule().values()).containsExactlyInAnyOrder(M_2AA, M_684, M_C3F);
        assertThat(plan.decisions()).hasSize(3).allMatch(d -> d instanceof Decision.Assign);
        assertThat(plan.unschedulable()).extracting(Unschedulable::unit)
                .containsExactly(name("conflict.3.service"), name("conflict.4.service"));
        Unschedulable three = plan.unschedulable(name("conflict.3.service")).orElseThrow();
        assertThat(three.vetoes()).containsOnlyKeys(M_2AA, M_684, M_C3F);
        assertThat(three.vetoes(M_2AA)).containsExactly(new Veto(Veto.Kind.CONFLICT, "conflicts with conflict.0.service"));
        assertThat(three.summary()).isEqualTo("no machine fits conflict.3.service: "
                + "2aa4e35a: conflicts with conflict.0.service; 6847f4f7: conflicts with conflict.1.service; "
                + "c3f52cb3: conflicts with conflict.2.service");
    }

    @Test
    void oneWayConflictKeepsTheOtherUnitOffTheMachineWhicheverStartedFirst() {
        UnitSpec withConflict = unit("conflicts-with-hello.service", "Conflicts=hello.service");
        UnitSpec hello = unit("hello.service");
        List<Machine> one = List.of(machine(M_2AA));

        Plan bothNew = plan(snapshot(one, withConflict, hello));
        assertThat(on(bothNew, "conflicts-with-hello.service")).isEqualTo(M_2AA);
        assertThat(bothNew.unschedulable(name("hello.service")).orElseThrow().vetoes(M_2AA))
                .extracting(Veto::reason).containsExactly("conflicts with conflicts-with-hello.service");

        Plan helloFirst = plan(snapshot(one, withConflict, hello.onMachine(M_2AA)));
        assertThat(helloFirst.decisions()).isEmpty();
        assertThat(helloFirst.unschedulable(name("conflicts-with-hello.service")).orElseThrow().vetoes(M_2AA))
                .extracting(Veto::reason).containsExactly("conflicts with hello.service");

        Plan afterDestroy = plan(snapshot(one, hello));
        assertThat(afterDestroy.decisions()).containsExactly(new Decision.Assign(name("hello.service"), M_2AA));
    }

    @Test
    void multipleConflictsAreAllReported() {
        Plan plan = plan(snapshot(THREE,
                unit("conflict.0.service", "Conflicts=conflict.*.service"),
                unit("conflict.1.service", "Conflicts=conflict.*.service"),
                unit("conflict.2.service", "Conflicts=conflict.*.service"),
                unit("multi.0.service", "Conflicts=conflict.2.service conflict.1.service conflict.0.service"),
                unit("multi.1.service", "Conflicts=conflict.2.service", "Conflicts=conflict.1.service",
                        "Conflicts=conflict.0.service"),
                unit("other.service")));

        assertThat(plan.schedule()).hasSize(4);
        assertThat(on(plan, "other.service")).isNotNull();
        for (String multi : List.of("multi.0.service", "multi.1.service")) {
            Unschedulable u = plan.unschedulable(name(multi)).orElseThrow();
            assertThat(u.vetoes().values()).allSatisfy(v -> assertThat(v).singleElement()
                    .extracting(Veto::kind).isEqualTo(Veto.Kind.CONFLICT));
        }
        Unschedulable multi0 = plan.unschedulable(name("multi.0.service")).orElseThrow();
        assertThat(multi0.vetoes().values()).flatExtracting(v -> v).extracting(Veto::reason).containsExactlyInAnyOrder(
                "conflicts with conflict.0.service", "conflicts with conflict.1.service",
                "conflicts with conflict.2.service");
    }

    @Test
    void conflictsAreCheckedInBothDirections() {
        List<Machine> one = List.of(machine(M_2AA));
        UnitSpec quiet = unit("quiet.service");
        UnitSpec picky = unit("picky.service", "Conflicts=qu*.service");

        assertThat(plan(snapshot(one, picky.onMachine(M_2AA), quiet)).unschedulable(name("quiet.service")))
                .get().extracting(u -> u.vetoes(M_2AA).getFirst().reason()).isEqualTo("conflicts with picky.service");
        assertThat(plan(snapshot(one, picky, quiet.onMachine(M_2AA))).unschedulable(name("picky.service")))
                .get().extracting(u -> u.vetoes(M_2AA).getFirst().reason()).isEqualTo("conflicts with quiet.service");
    }

    @Test
    void instancesOfATemplateConflictingWithTheirSiblingsSpreadOneToAMachine() {
        Plan plan = plan(snapshot(THREE, unit("web@1.service", "Conflicts=web@*.service"),
                unit("web@2.service", "Conflicts=web@*.service"), unit("web@3.service", "Conflicts=web@*.service")));

        assertThat(plan.schedule().values()).containsExactlyInAnyOrder(M_2AA, M_684, M_C3F);
        assertThat(plan.unschedulable()).isEmpty();
    }

    @Test
    void twoScheduledUnitsThatNowConflictKeepTheFirstAndMoveTheSecond() {
        Plan plan = plan(snapshot(THREE, unit("web@01.service", "Conflicts=web@*.service").onMachine(M_2AA),
                unit("web@02.service", "Conflicts=web@*.service").onMachine(M_2AA)));

        assertThat(plan.decisions()).containsExactly(new Decision.Move(name("web@02.service"), M_2AA, M_684,
                "conflicts with web@01.service now on the same machine"));
    }

    @Test
    void aGlobalUnitsConflictsKeepOtherUnitsOffEveryMachineItRunsOn() {
        List<Machine> machines = List.of(machine(M_2AA, "role=edge"), machine(M_684, "role=web"));
        Plan plan = plan(snapshot(machines, unit("edge-proxy.service", "Global=true", "MachineMetadata=role=edge",
                "Conflicts=web@*.service"), unit("web@01.service"), unit("web@02.service")));

        assertThat(plan.globalsOn(M_2AA)).containsExactly(name("edge-proxy.service"));
        assertThat(plan.schedule()).containsOnly(
                org.assertj.core.api.Assertions.entry(name("web@01.service"), M_684),
                org.assertj.core.api.Assertions.entry(name("web@02.service"), M_684));
    }
}
