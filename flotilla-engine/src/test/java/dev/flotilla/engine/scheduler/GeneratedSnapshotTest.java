package dev.flotilla.engine.scheduler;

import static dev.flotilla.engine.scheduler.Fixtures.applied;
import static dev.flotilla.engine.scheduler.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.UnitName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random snapshots: every placement respects every constraint, checked here from the options
 * directly (not with the scheduler's indexes); no unit is placed twice; decisions turn the
 * snapshot's schedule into the plan's; every unit that needs a machine is placed or explained on
 * every machine; planning the applied plan again changes nothing; after it is applied, losing any
 * machine moves only that machine's units and a machine joining only adds placements (except
 * units that a Replaces= unit displaces, and their MachineOf followers).
 */
class GeneratedSnapshotTest {

    @Test
    void everyPlanRespectsEveryConstraint() {
        int placed = 0;
        int refused = 0;
        for (long seed : Seeds.of("generated", 3000).toArray()) {
            ClusterSnapshot s = new SnapshotGenerator(seed).snapshot();
            Plan plan = plan(s);
            String why = "seed " + seed + " (rerun: -Dflotilla.seed=... or new SnapshotGenerator(" + seed + "L))\n"
                    + s + "\n" + plan;
            check(s, plan, why);
            Plan again = plan(applied(s, plan));
            assertThat(again.decisions()).as("re-planning the applied plan changes nothing; " + why).isEmpty();
            assertThat(again.schedule()).as(why).isEqualTo(plan.schedule());
            checkStability(s, applied(s, plan), why);
            placed += plan.schedule().size();
            refused += plan.unschedulable().size();
        }
        assertThat(placed).as("the generator must place units").isGreaterThan(5000);
        assertThat(refused).as("the generator must refuse units").isGreaterThan(1000);
    }

    private static void checkStability(ClusterSnapshot s, ClusterSnapshot running, String why) {
        for (Machine dead : s.machines()) {
            Plan lost = plan(new ClusterSnapshot(Fixtures.without(s.machines(), dead.id()), running.units()));
            for (Decision d : lost.decisions()) {
                switch (d) {
                    case Decision.Assign a -> { }
                    case Decision.Unassign u -> assertThat(u.machineId().equals(dead.id()) || displaced(u.reason()))
                            .as("losing " + dead.id() + " moved " + d + "; " + why).isTrue();
                    case Decision.Move m -> assertThat(m.from().equals(dead.id()) || displaced(m.reason()))
                            .as("losing " + dead.id() + " moved " + d + "; " + why).isTrue();
                }
            }
        }
        List<Machine> more = new ArrayList<>(s.machines());
        more.add(Fixtures.machine("ffffffff" + "0".repeat(24), "region=eu", "disk=ssd"));
        for (Decision d : plan(new ClusterSnapshot(more, running.units())).decisions()) {
            switch (d) {
                case Decision.Assign a -> { }
                case Decision.Unassign u -> assertThat(displaced(u.reason())).as("joining moved " + d + "; " + why)
                        .isTrue();
                case Decision.Move m -> assertThat(displaced(m.reason())).as("joining moved " + d + "; " + why)
                        .isTrue();
            }
        }
    }

    private static boolean displaced(String reason) {
        return reason.startsWith("replaced by ") || reason.startsWith("moves with ");
    }

    static void check(ClusterSnapshot s, Plan plan, String why) {
        Map<UnitName, UnitSpec> units = new HashMap<>();
        s.units().forEach(u -> units.put(u.name(), u));
        Map<String, Machine> machines = new HashMap<>();
        s.machines().forEach(m -> machines.put(m.id(), m));

        Set<UnitName> decided = new HashSet<>();
        Map<UnitName, String> after = new HashMap<>();
        s.units().forEach(u -> u.machineId().ifPresent(m -> after.put(u.name(), m)));
        for (Decision d : plan.decisions()) {
            assertThat(decided.add(d.unit())).as("one decision per unit; " + why).isTrue();
            switch (d) {
                case Decision.Assign a -> {
                    assertThat(after.put(a.unit(), a.machineId())).as(why).isNull();
                }
                case Decision.Unassign un -> {
                    assertThat(after.remove(un.unit())).as(why).isEqualTo(un.machineId());
                }
                case Decision.Move m -> {
                    assertThat(after.put(m.unit(), m.to())).as(why).isEqualTo(m.from());
                    assertThat(m.to()).as(why).isNotEqualTo(m.from());
                }
            }
        }
        assertThat(after).as("decisions applied give the schedule; " + why).isEqualTo(plan.schedule());

        Map<String, List<UnitName>> onMachine = new HashMap<>();
        plan.schedule().forEach((u, m) -> onMachine.computeIfAbsent(m, k -> new ArrayList<>()).add(u));
        plan.globals().forEach((m, gs) -> onMachine.computeIfAbsent(m, k -> new ArrayList<>()).addAll(gs));

        for (Map.Entry<UnitName, String> e : plan.schedule().entrySet()) {
            UnitSpec u = units.get(e.getKey());
            Machine m = machines.get(e.getValue());
            String at = e.getKey() + " on " + e.getValue() + "; " + why;
            assertThat(m).as("placed on a live machine: " + at).isNotNull();
            assertThat(u.isTemplate() || u.isGlobal() || !u.desiredState().needsMachine()).as(at).isFalse();
            FleetOptions f = u.options();
            assertThat(f.allowsMachine(m.id())).as("MachineID: " + at).isTrue();
            f.machineBootId().ifPresent(b -> assertThat(b.length() == 8 ? m.bootId().startsWith(b)
                    : m.bootId().equals(b)).as("boot ID: " + at).isTrue());
            assertThat(f.allowsMetadata(m.metadata())).as("metadata: " + at).isTrue();
            for (UnitName peer : f.machineOf()) {
                assertThat(onMachine.get(m.id())).as("MachineOf " + peer + ": " + at).contains(peer);
            }
            for (UnitName other : onMachine.get(m.id())) {
                if (other.equals(u.name())) {
                    continue;
                }
                FleetOptions o = units.get(other).options();
                assertThat(f.conflictsWith(u.name(), other) || o.conflictsWith(other, u.name()))
                        .as("conflict with " + other + ": " + at).isFalse();
                assertThat(o.replacesUnit(other, u.name())).as("replaced by " + other + ": " + at).isFalse();
            }
        }
        for (UnitSpec u : s.units()) {
            boolean needs = !u.isTemplate() && !u.isGlobal() && u.desiredState().needsMachine();
            boolean isPlaced = plan.schedule().containsKey(u.name());
            boolean isRefused = plan.unschedulable(u.name()).isPresent();
            assertThat(needs ? isPlaced != isRefused : !isPlaced && !isRefused).as(u.name() + "; " + why).isTrue();
            plan.unschedulable(u.name()).ifPresent(r -> {
                assertThat(r.vetoes().keySet()).as(why).isEqualTo(machines.keySet());
                assertThat(r.vetoes().values()).as("every machine says why; " + why).allSatisfy(v ->
                        assertThat(v).isNotEmpty());
            });
        }
        checkGlobals(s, plan, why);
    }

    private static void checkGlobals(ClusterSnapshot s, Plan plan, String why) {
        List<UnitSpec> globals = s.units().stream().filter(u -> u.isGlobal() && !u.isTemplate()
                && u.desiredState().needsMachine()).sorted((a, b) -> a.name().compareTo(b.name())).toList();
        for (Machine m : s.machines()) {
            List<UnitName> expected = new ArrayList<>();
            for (UnitSpec g : globals) {
                boolean clash = expected.stream().anyMatch(e -> g.options().conflictsWith(g.name(), e)
                        || s.units().stream().filter(x -> x.name().equals(e)).findFirst().orElseThrow().options()
                        .conflictsWith(e, g.name()));
                if (g.options().allowsMetadata(m.metadata()) && !clash) {
                    expected.add(g.name());
                }
            }
            assertThat(plan.globalsOn(m.id())).as("globals on " + m.id() + "; " + why).isEqualTo(expected);
        }
    }
}
