package dev.flotilla.engine.scheduler;

import static dev.flotilla.engine.scheduler.Fixtures.M_2AA;
import static dev.flotilla.engine.scheduler.Fixtures.M_684;
import static dev.flotilla.engine.scheduler.Fixtures.M_C3F;
import static dev.flotilla.engine.scheduler.Fixtures.applied;
import static dev.flotilla.engine.scheduler.Fixtures.machine;
import static dev.flotilla.engine.scheduler.Fixtures.name;
import static dev.flotilla.engine.scheduler.Fixtures.on;
import static dev.flotilla.engine.scheduler.Fixtures.plan;
import static dev.flotilla.engine.scheduler.Fixtures.snapshot;
import static dev.flotilla.engine.scheduler.Fixtures.unit;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Replaces: the replacing unit takes the replaced unit's machine; the replaced unit moves. */
class ReplacesTest {

    static final List<Machine> TWO = List.of(machine(M_2AA), machine(M_684));

    /** fleet's TestScheduleReplace: replace.0 on m0, replace.1 and replace.2 on m1, then kick0. */
    @Test
    void theReplacingUnitTakesTheMachineAndTheReplacedUnitMovesElsewhere() {
        ClusterSnapshot s = snapshot(TWO, unit("replace.0.service").onMachine(M_2AA),
                unit("replace.1.service").onMachine(M_684),
                unit("replace.2.service", "MachineOf=replace.1.service").onMachine(M_684),
                unit("replace-kick0.service", "Replaces=replace.0.service"));

        Plan plan = plan(s);

        assertThat(plan.decisions()).containsExactly(
                new Decision.Assign(name("replace-kick0.service"), M_2AA),
                new Decision.Move(name("replace.0.service"), M_2AA, M_684, "replaced by replace-kick0.service"));
        assertThat(plan(applied(s, plan)).decisions()).isEmpty();
    }

    @Test
    void theReplacingUnitPrefersTheReplacedUnitsMachineEvenWhenItIsBusier() {
        ClusterSnapshot s = snapshot(TWO, unit("old.service").onMachine(M_684), unit("x.service").onMachine(M_684),
                unit("new.service", "Replaces=old.service"));

        Plan plan = plan(s);

        assertThat(on(plan, "new.service")).isEqualTo(M_684);
        assertThat(on(plan, "old.service")).isEqualTo(M_2AA);
    }

    @Test
    void aReplacedUnitThatCanGoNowhereElseIsUnschedulableWithTheReason() {
        List<Machine> one = List.of(machine(M_2AA));
        Plan plan = plan(snapshot(one, unit("old.service").onMachine(M_2AA), unit("new.service", "Replaces=old*")));

        assertThat(plan.decisions()).containsExactly(
                new Decision.Assign(name("new.service"), M_2AA),
                new Decision.Unassign(name("old.service"), M_2AA, "replaced by new.service"));
        assertThat(plan.unschedulable(name("old.service")).orElseThrow().vetoes(M_2AA))
                .containsExactly(new Veto(Veto.Kind.REPLACED, "replaced by new.service"));
    }

    @Test
    void followersOfTheReplacedUnitMoveWithIt() {
        Plan plan = plan(snapshot(TWO, unit("old.service").onMachine(M_2AA),
                unit("old-sidekick.service", "MachineOf=old.service").onMachine(M_2AA),
                unit("new.service", "Replaces=old.service")));

        assertThat(on(plan, "new.service")).isEqualTo(M_2AA);
        assertThat(on(plan, "old.service")).isEqualTo(M_684);
        assertThat(plan.decisions()).contains(new Decision.Move(name("old-sidekick.service"), M_2AA, M_684,
                "moves with old.service (MachineOf)"));
    }

    /** fleet's TestScheduleCircularReplace: two units replacing each other; exactly one runs. */
    @Test
    void circularReplacesRunExactlyOneAndNeverLoop() {
        UnitSpec zero = unit("replace.0.service", "Replaces=replace-kick0.service");
        UnitSpec kick = unit("replace-kick0.service", "Replaces=replace.0.service");

        Plan bothNew = plan(snapshot(TWO, zero, kick));
        assertThat(bothNew.schedule()).containsOnlyKeys(name("replace-kick0.service"));
        assertThat(bothNew.unschedulable(name("replace.0.service")).orElseThrow().vetoes(M_684))
                .containsExactly(new Veto(Veto.Kind.REPLACED, "replaced by replace-kick0.service (they replace each other)"));

        Plan zeroRunning = plan(snapshot(TWO, zero.onMachine(M_2AA), kick));
        assertThat(zeroRunning.decisions()).isEmpty();
        assertThat(zeroRunning.schedule()).containsOnlyKeys(name("replace.0.service"));

        Plan bothRunning = plan(snapshot(TWO, zero.onMachine(M_2AA), kick.onMachine(M_684)));
        assertThat(bothRunning.decisions()).containsExactly(new Decision.Unassign(name("replace.0.service"), M_2AA,
                "replaced by replace-kick0.service (they replace each other)"));
    }

    @Test
    void aLongerReplacesCircleAlsoRunsOne() {
        Plan plan = plan(snapshot(List.of(machine(M_2AA), machine(M_684), machine(M_C3F)),
                unit("a.service", "Replaces=b.service"), unit("b.service", "Replaces=c.service"),
                unit("c.service", "Replaces=a.service")));

        assertThat(plan.schedule()).containsOnlyKeys(name("a.service"));
        assertThat(plan.unschedulable()).hasSize(2);
    }

    /** g replaces mon@1, mon@1 replaces b, b replaces web@1, and g follows web@1: once, this looped. */
    @Test
    @Timeout(10)
    void aReplacesCircleClosedByAMachineOfFollowerMakesRivalsAndEnds() {
        ClusterSnapshot s = snapshot(TWO, unit("web@1.service"),
                unit("g.service", "MachineOf=web@1.service", "Replaces=mon@*"),
                unit("mon@1.service", "Replaces=b.service"), unit("b.service", "Replaces=web@*.service"));

        Plan plan = plan(s);

        assertThat(plan.schedule()).containsOnlyKeys(name("b.service"));
        assertThat(plan.unschedulable(name("web@1.service")).orElseThrow().vetoes(M_684))
                .contains(new Veto(Veto.Kind.REPLACED, "replaced by b.service (they replace each other)"));
        assertThat(plan(applied(s, plan)).decisions()).isEmpty();
    }

    @Test
    void aUnitNeverGoesWhereAUnitThatReplacesItRuns() {
        Plan plan = plan(snapshot(TWO, unit("new.service", "Replaces=old.service").onMachine(M_2AA),
                unit("old.service")));

        assertThat(on(plan, "old.service")).isEqualTo(M_684);
    }
}
