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
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A drained machine keeps its global units, hands the others to other machines and takes nothing new. */
class DrainTest {

    private static final Machine DRAINED = new Machine(M_684, Map.of(), "", Map.of(), "draining (kernel upgrade)");
    private static final List<Machine> THREE = List.of(machine(M_2AA), DRAINED, machine(M_C3F));

    @Test
    void unitsOnADrainedMachineMoveAwayWithTheDrainAsTheReason() {
        Plan plan = plan(snapshot(THREE, unit("web.service").onMachine(M_684), unit("mon.service", "Global=true")));

        assertThat(plan.decisions()).containsExactly(new Decision.Move(name("web.service"), M_684, M_2AA,
                "machine 6847f4f7 is draining (kernel upgrade)"));
        assertThat(plan.globalsOn(M_684)).containsExactly(name("mon.service"));
    }

    @Test
    void nothingNewLandsOnADrainedMachine() {
        Plan plan = plan(snapshot(THREE, unit("a.service"), unit("b.service"), unit("c.service"), unit("d.service")));

        assertThat(List.of("a.service", "b.service", "c.service", "d.service"))
                .allSatisfy(u -> assertThat(on(plan, u)).isNotEqualTo(M_684));
    }

    @Test
    void aUnitPinnedToADrainedMachineIsUnschedulableNamingTheDrain() {
        Plan plan = plan(snapshot(THREE, unit("pinned.service", "MachineID=" + M_684).onMachine(M_684)));

        assertThat(plan.decisions()).containsExactly(new Decision.Unassign(name("pinned.service"), M_684,
                "machine 6847f4f7 is draining (kernel upgrade)"));
        assertThat(plan.unschedulable(name("pinned.service")).orElseThrow().vetoes().get(M_684))
                .containsExactly(new Veto(Veto.Kind.DRAINED, "machine 6847f4f7 is draining (kernel upgrade)"));
    }
}
