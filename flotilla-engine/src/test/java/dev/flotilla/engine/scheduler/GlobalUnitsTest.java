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
import static dev.flotilla.engine.scheduler.Fixtures.withState;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Global units: never placed, run on every matching machine, count toward load, their Conflicts apply. */
class GlobalUnitsTest {

    static final List<Machine> THREE = List.of(machine(M_2AA), machine(M_684), machine(M_C3F));

    @Test
    void globalUnitsRunOnEveryMatchingMachineAndAreNeverInTheSchedule() {
        Plan plan = plan(snapshot(List.of(machine(M_2AA, "role=web"), machine(M_684, "role=db"), machine(M_C3F)),
                unit("global.service", "Global=true"), unit("web-agent.service", "Global=yes", "MachineMetadata=role=web"),
                unit("hello.service"), unit("goodbye.service")));

        assertThat(plan.schedule()).containsOnlyKeys(name("hello.service"), name("goodbye.service"));
        assertThat(plan.globals()).containsOnlyKeys(M_2AA, M_684, M_C3F);
        assertThat(plan.globalsOn(M_2AA)).containsExactly(name("global.service"), name("web-agent.service"));
        assertThat(plan.globalsOn(M_684)).containsExactly(name("global.service"));
        assertThat(plan.decisions()).extracting(Decision::unit)
                .containsExactlyInAnyOrder(name("hello.service"), name("goodbye.service"));
    }

    @Test
    void globalUnitsCountTowardLoad() {
        Plan plan = plan(snapshot(List.of(machine(M_2AA, "role=edge"), machine(M_684)),
                unit("edge-a.service", "Global=true", "MachineMetadata=role=edge"),
                unit("edge-b.service", "Global=true", "MachineMetadata=role=edge"),
                unit("u1.service"), unit("u2.service"), unit("u3.service")));

        assertThat(on(plan, "u1.service")).isEqualTo(M_684);
        assertThat(on(plan, "u2.service")).isEqualTo(M_684);
        assertThat(on(plan, "u3.service")).isEqualTo(M_2AA);
        assertThat(plan.load(M_2AA)).isEqualTo(3);
        assertThat(plan.load(M_684)).isEqualTo(2);
    }

    @Test
    void ofTwoConflictingGlobalUnitsTheFirstByNameRuns() {
        Plan plan = plan(snapshot(THREE, unit("conflict-global.0.service", "Global=true",
                "Conflicts=conflict-global.*.service"), unit("conflict-global.1.service", "Global=true",
                "Conflicts=conflict-global.*.service")));

        assertThat(plan.globals().values()).hasSize(3)
                .allSatisfy(g -> assertThat(g).containsExactly(name("conflict-global.0.service")));
        assertThat(plan.unschedulable()).isEmpty();
    }

    @Test
    void aScheduledUnitThatConflictsWithANewGlobalUnitMovesOff() {
        Plan plan = plan(snapshot(List.of(machine(M_2AA, "role=edge"), machine(M_684)),
                unit("edge-only.service", "Global=true", "MachineMetadata=role=edge", "Conflicts=batch*"),
                unit("batch.service").onMachine(M_2AA)));

        assertThat(plan.decisions()).containsExactly(new Decision.Move(name("batch.service"), M_2AA, M_684,
                "conflicts with edge-only.service now on the same machine"));
    }

    @Test
    void inactiveGlobalUnitsRunNowhereAndAScheduledGlobalUnitIsUnassigned() {
        Plan plan = plan(snapshot(THREE, withState(unit("off.service", "Global=true"), DesiredState.INACTIVE),
                unit("was-plain.service", "Global=true").onMachine(M_684)));

        assertThat(plan.globals().values()).allSatisfy(g -> assertThat(g).containsExactly(name("was-plain.service")));
        assertThat(plan.decisions()).containsExactly(new Decision.Unassign(name("was-plain.service"), M_684,
                "global units are not scheduled: every machine whose metadata matches runs them"));
    }
}
