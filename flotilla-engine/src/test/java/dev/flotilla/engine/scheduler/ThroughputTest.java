package dev.flotilla.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A printed throughput figure, never a timed assertion: 100,000 units on 1,000 machines. The mix:
 * 500 services of 150 instances each spreading with {@code Conflicts=svcN@*.service} (half of them
 * also need {@code disk=ssd}), a {@code MachineOf} sidekick for one instance in six, 10,000 plain
 * units, and 4 global units.
 */
class ThroughputTest {

    static ClusterSnapshot large() {
        List<Machine> machines = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            machines.add(Fixtures.machine(String.format("%08x%024x", i * 2654435761L & 0xffffffffL, i),
                    "disk=" + (i % 2 == 0 ? "ssd" : "hdd"), "zone=z" + i % 10));
        }
        Map<String, FleetOptions> templates = new HashMap<>();
        List<UnitSpec> units = new ArrayList<>();
        for (int svc = 0; svc < 500 && units.size() < 100_000; svc++) {
            for (int i = 0; i < 150; i++) {
                UnitName web = UnitName.parse("svc" + svc + "@" + i + ".service");
                units.add(UnitSpec.of(web, parse(templates, web, "Conflicts=%p@*.service"
                        + (svc % 2 == 0 ? "\nMachineMetadata=disk=ssd" : "")), DesiredState.LAUNCHED));
                if (i % 6 == 0) {
                    UnitName side = UnitName.parse("side" + svc + "@" + i + ".service");
                    units.add(UnitSpec.of(side, parse(templates, side, "MachineOf=svc" + svc + "@%i.service"),
                            DesiredState.LAUNCHED));
                }
            }
        }
        for (int g = 0; g < 4; g++) {
            UnitName n = UnitName.parse("global" + g + ".service");
            units.add(UnitSpec.of(n, parse(templates, n, "Global=true" + (g == 3 ? "\nMachineMetadata=zone=z1" : "")),
                    DesiredState.LAUNCHED));
        }
        for (int i = 0; units.size() < 100_000; i++) {
            units.add(UnitSpec.of(UnitName.parse("plain" + i + ".service"), FleetOptions.NONE, DesiredState.LAUNCHED));
        }
        return new ClusterSnapshot(machines, units);
    }

    private static FleetOptions parse(Map<String, FleetOptions> cache, UnitName unit, String body) {
        return FleetOptions.parse(UnitFile.parse(unit.name(), "[X-Fleet]\n" + body + "\n"), unit);
    }

    @Test
    void printsPlacementsPerSecondFor100kUnitsOn1000Machines() {
        ClusterSnapshot s = large();
        UnitScheduler scheduler = new UnitScheduler();
        Plan plan = null;
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            plan = scheduler.plan(s);
            best = Math.min(best, System.nanoTime() - start);
        }
        int placements = plan.decisions().size();
        System.out.printf("scheduler: %,d units on %,d machines: %,d placements, %,d unschedulable in %.0f ms "
                + "= %,.0f placements/s (best of 3)%n", s.units().size(), s.machines().size(), placements,
                plan.unschedulable().size(), best / 1e6, placements / (best / 1e9));

        ClusterSnapshot running = Fixtures.applied(s, plan);
        String dead = s.machines().get(500).id();
        ClusterSnapshot lost = Fixtures.withMachines(running, Fixtures.without(s.machines(), dead), plan);
        long start = System.nanoTime();
        Plan afterLoss = scheduler.plan(lost);
        long took = System.nanoTime() - start;
        System.out.printf("scheduler: node loss re-plan (%,d units moved) in %.0f ms%n", afterLoss.decisions().size(),
                took / 1e6);

        assertThat(plan.unschedulable()).isEmpty();
        assertThat(afterLoss.decisions()).allSatisfy(d -> assertThat(d).isInstanceOfSatisfying(Decision.Move.class,
                m -> assertThat(m.from()).isEqualTo(dead)));
    }
}
