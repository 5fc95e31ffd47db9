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
import static dev.flotilla.engine.scheduler.Fixtures.withMachines;
import static dev.flotilla.engine.scheduler.Fixtures.withState;
import static dev.flotilla.engine.scheduler.Fixtures.without;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MachineOf: followers land with their peers and move with them. */
class MachineOfTest {

    static final List<Machine> THREE = List.of(machine(M_2AA), machine(M_684), machine(M_C3F));

    static ClusterSnapshot pingPong() {
        List<UnitSpec> units = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            units.add(unit("ping." + i + ".service"));
            units.add(unit("pong." + i + ".service", "MachineOf=ping." + i + ".service"));
        }
        return snapshot(THREE, units);
    }

    @Test
    void pairsLandTogether() {
        Plan plan = plan(pingPong());

        for (int i = 0; i < 3; i++) {
            assertThat(on(plan, "pong." + i + ".service")).isNotNull().isEqualTo(on(plan, "ping." + i + ".service"));
        }
        assertThat(plan.unschedulable()).isEmpty();
    }

    @Test
    void pairsMoveTogetherWhenTheirMachineDiesAndNothingElseMoves() {
        ClusterSnapshot running = applied(pingPong(), plan(pingPong()));
        String dead = running.units().stream().filter(u -> u.name().equals(name("ping.1.service")))
                .findFirst().orElseThrow().machineId().orElseThrow();

        Plan plan = plan(withMachines(running, without(THREE, dead), plan(running)));

        assertThat(plan.decisions()).extracting(Decision::unit)
                .containsExactlyInAnyOrder(name("ping.1.service"), name("pong.1.service"));
        String target = on(plan, "ping.1.service");
        String gone = "machine " + dead.substring(0, 8) + " is gone";
        assertThat(plan.decisions()).containsExactlyInAnyOrder(
                new Decision.Move(name("ping.1.service"), dead, target, gone),
                new Decision.Move(name("pong.1.service"), dead, target, gone));
    }

    @Test
    void aFollowerMovesWithItsPeerWhenThePeerAloneMustLeave() {
        List<Machine> machines = List.of(machine(M_2AA, "disk=hdd"), machine(M_684, "disk=ssd"));
        Plan plan = plan(snapshot(machines, unit("db.service", "MachineMetadata=disk=ssd").onMachine(M_2AA),
                unit("dbhelper.service", "MachineOf=db.service").onMachine(M_2AA)));

        assertThat(plan.decisions()).containsExactly(
                new Decision.Move(name("db.service"), M_2AA, M_684, "metadata disk=ssd does not match"),
                new Decision.Move(name("dbhelper.service"), M_2AA, M_684, "moves with db.service (MachineOf)"));
    }

    @Test
    void aFollowerOfAnUnscheduledPeerSaysSoOnEveryMachine() {
        UnitSpec db = withState(unit("db.service"), DesiredState.INACTIVE);
        Plan plan = plan(snapshot(THREE, db, unit("dbhelper.service", "X-ConditionMachineOf=db.service")));

        Unschedulable helper = plan.unschedulable(name("dbhelper.service")).orElseThrow();
        assertThat(helper.vetoes().values()).allSatisfy(v -> assertThat(v)
                .containsExactly(new Veto(Veto.Kind.MACHINE_OF, "MachineOf db.service: db.service is not scheduled")));
        assertThat(helper.summary()).isEqualTo("no machine fits dbhelper.service: 2aa4e35a, 6847f4f7, c3f52cb3: "
                + "MachineOf db.service: db.service is not scheduled");

        Plan unknownPeer = plan(snapshot(THREE, unit("dbhelper.service", "MachineOf=db.service")));
        assertThat(unknownPeer.unschedulable(name("dbhelper.service"))).isPresent();
    }

    @Test
    void aFollowerThatCannotJoinItsPeerNamesWhereThePeerIs() {
        Plan plan = plan(snapshot(List.of(machine(M_2AA), machine(M_684)), unit("db.service").onMachine(M_2AA),
                unit("cache.service").onMachine(M_2AA),
                unit("dbhelper.service", "MachineOf=db.service", "Conflicts=cache.service")));

        Unschedulable helper = plan.unschedulable(name("dbhelper.service")).orElseThrow();
        assertThat(helper.vetoes(M_2AA)).extracting(Veto::reason).containsExactly("conflicts with cache.service");
        assertThat(helper.vetoes(M_684)).extracting(Veto::reason)
                .containsExactly("MachineOf db.service: db.service is on 2aa4e35a");
    }

    @Test
    void allPeersMustBeOnTheMachine() {
        Plan plan = plan(snapshot(List.of(machine(M_2AA), machine(M_684)), unit("a.service").onMachine(M_2AA),
                unit("b.service").onMachine(M_684), unit("both.service", "MachineOf=a.service b.service")));

        assertThat(plan.unschedulable(name("both.service")).orElseThrow().vetoes(M_2AA)).extracting(Veto::reason)
                .containsExactly("MachineOf b.service: b.service is on 6847f4f7");
    }

    @Test
    void peersArePlacedBeforeFollowersWhateverTheNames() {
        Plan plan = plan(snapshot(THREE, unit("a-sidekick.service", "MachineOf=z-main.service"),
                unit("z-main.service"), unit("m-third.service", "MachineOf=a-sidekick.service")));

        assertThat(on(plan, "a-sidekick.service")).isEqualTo(on(plan, "z-main.service"));
        assertThat(on(plan, "m-third.service")).isEqualTo(on(plan, "z-main.service"));
        assertThat(plan.unschedulable()).isEmpty();
    }

    @Test
    void aMachineOfCycleIsUnschedulableWithAReasonAndNeverLoops() {
        Plan plan = plan(snapshot(THREE, unit("a.service", "MachineOf=b.service").onMachine(M_2AA),
                unit("b.service", "MachineOf=a.service").onMachine(M_2AA),
                unit("c.service", "MachineOf=a.service"), unit("self.service", "MachineOf=%n")));

        assertThat(plan.schedule()).isEmpty();
        assertThat(plan.unschedulable(name("a.service")).orElseThrow().vetoes(M_684)).extracting(Veto::reason)
                .containsExactly("MachineOf cycle among a.service, b.service");
        assertThat(plan.decisions()).contains(new Decision.Unassign(name("b.service"), M_2AA,
                "MachineOf cycle among a.service, b.service"));
        assertThat(plan.unschedulable(name("c.service")).orElseThrow().vetoes(M_684)).extracting(Veto::reason)
                .containsExactly("MachineOf a.service: a.service is not scheduled");
        assertThat(plan.unschedulable(name("self.service")).orElseThrow().vetoes(M_684)).extracting(Veto::reason)
                .containsExactly("MachineOf self.service: a unit cannot follow itself");
    }

    @Test
    void aGlobalPeerIsOnEveryMachineItRunsOn() {
        List<Machine> machines = List.of(machine(M_2AA), machine(M_684, "role=lb"));
        Plan plan = plan(snapshot(machines, unit("lb.service", "Global=true", "MachineMetadata=role=lb"),
                unit("lb-config.service", "MachineOf=lb.service")));

        assertThat(on(plan, "lb-config.service")).isEqualTo(M_684);
    }
}
