package dev.flotilla.engine.scheduler;

import static dev.flotilla.engine.scheduler.Fixtures.M_2AA;
import static dev.flotilla.engine.scheduler.Fixtures.M_684;
import static dev.flotilla.engine.scheduler.Fixtures.applied;
import static dev.flotilla.engine.scheduler.Fixtures.fourMachines;
import static dev.flotilla.engine.scheduler.Fixtures.fromResource;
import static dev.flotilla.engine.scheduler.Fixtures.name;
import static dev.flotilla.engine.scheduler.Fixtures.on;
import static dev.flotilla.engine.scheduler.Fixtures.plan;
import static dev.flotilla.engine.scheduler.Fixtures.snapshot;
import static dev.flotilla.engine.scheduler.Fixtures.unit;
import static dev.flotilla.engine.scheduler.Fixtures.withMachines;
import static dev.flotilla.engine.scheduler.Fixtures.without;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed tutorial's units (db, dbhelper and mondb with X-ConditionMachineOf=db.service,
 * web@01..10, monweb@01..10 with X-ConditionMachineOf=web@%i.service) on its four machines.
 */
class SeedTutorialTest {

    /**
     * The seed's units; {@code webConflicts} keeps the seed's {@code Conflicts=web@*.service} in
     * web@.service, otherwise web@.service has no [X-Fleet] (as the tutorial's output suggests: it
     * shows three web instances on one machine).
     */
    static ClusterSnapshot seedUnits(boolean webConflicts) {
        List<UnitSpec> units = new ArrayList<>();
        units.add(fromResource("db.service", "db.service"));
        units.add(fromResource("dbhelper.service", "dbhelper.service"));
        units.add(fromResource("mondb.service", "mondb.service"));
        units.add(fromResource("web@.service", "web@.service"));
        units.add(fromResource("monweb@.service", "monweb@.service"));
        for (int i = 1; i <= 10; i++) {
            String n = String.format("%02d", i);
            units.add(webConflicts ? fromResource("web@.service", "web@" + n + ".service") : unit("web@" + n + ".service"));
            units.add(fromResource("monweb@.service", "monweb@" + n + ".service"));
        }
        return snapshot(fourMachines(), units);
    }

    @Test
    void everythingIsPlacedWithMonwebBesideItsWebAndTheDbTrioTogether() {
        Plan plan = plan(seedUnits(false));

        assertThat(plan.unschedulable()).isEmpty();
        assertThat(plan.schedule()).hasSize(23);
        assertThat(on(plan, "dbhelper.service")).isEqualTo(on(plan, "db.service"));
        assertThat(on(plan, "mondb.service")).isEqualTo(on(plan, "db.service"));
        for (int i = 1; i <= 10; i++) {
            String n = String.format("%02d", i);
            assertThat(on(plan, "monweb@" + n + ".service")).as(n).isEqualTo(on(plan, "web@" + n + ".service"));
        }
        assertThat(new HashSet<>(plan.schedule().values())).hasSize(4);
        assertThat(plan.schedule()).doesNotContainKeys(name("web@.service"), name("monweb@.service"));
    }

    @Test
    void whenTheDbMachineDiesTheTrioMovesTogetherAndNothingElseMoves() {
        ClusterSnapshot running = applied(seedUnits(false), plan(seedUnits(false)));
        String dbMachine = on(plan(running), "db.service");

        Plan plan = plan(withMachines(running, without(fourMachines(), dbMachine), plan(running)));

        String target = on(plan, "db.service");
        for (Decision d : plan.decisions()) {
            assertThat(d).isInstanceOfSatisfying(Decision.Move.class, m -> assertThat(m.from()).isEqualTo(dbMachine));
        }
        assertThat(on(plan, "dbhelper.service")).isEqualTo(target);
        assertThat(on(plan, "mondb.service")).isEqualTo(target);
        for (int i = 1; i <= 10; i++) {
            String n = String.format("%02d", i);
            assertThat(on(plan, "monweb@" + n + ".service")).as(n).isEqualTo(on(plan, "web@" + n + ".service"));
        }
    }

    @Test
    void withTheSeedsConflictsFourWebInstancesRunAndTheRestExplainWhy() {
        Plan plan = plan(seedUnits(true));

        long webs = plan.schedule().keySet().stream().filter(n -> n.prefix().equals("web")).count();
        assertThat(webs).isEqualTo(4);
        assertThat(plan.unschedulable()).hasSize(12);
        Unschedulable web05 = plan.unschedulable(name("web@05.service")).orElseThrow();
        assertThat(web05.vetoes(M_684)).extracting(Veto::reason).containsExactly("conflicts with web@01.service");
        assertThat(web05.vetoes(M_2AA)).extracting(Veto::reason).containsExactly("conflicts with web@04.service");
        Unschedulable monweb05 = plan.unschedulable(name("monweb@05.service")).orElseThrow();
        assertThat(monweb05.vetoes().values()).allSatisfy(v -> assertThat(v).extracting(Veto::reason)
                .containsExactly("MachineOf web@05.service: web@05.service is not scheduled"));
        plan.schedule().forEach((unit, machine) -> {
            if (unit.prefix().equals("monweb")) {
                assertThat(machine).as(unit.name()).isEqualTo(on(plan, "web@" + unit.instance() + ".service"));
            }
        });
        assertThat(plan.schedule()).containsKey(name("db.service"));
    }
}
