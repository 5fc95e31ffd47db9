package dev.flotilla.engine.scheduler;

import static dev.flotilla.engine.scheduler.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The same snapshot, in any list order, gives an equal plan. */
class DeterminismTest {

    @Test
    void theSameSnapshotTwiceGivesEqualPlans() {
        ClusterSnapshot s = SeedTutorialTest.seedUnits(false);
        assertThat(plan(s)).isEqualTo(plan(s));
    }

    @Test
    void shuffledInputGivesAnEqualPlan() {
        for (long seed : Seeds.of("shuffle", 50).toArray()) {
            ClusterSnapshot s = new SnapshotGenerator(seed).snapshot();
            Plan expected = plan(s);
            Random r = new Random(seed);
            List<Machine> machines = new ArrayList<>(s.machines());
            List<UnitSpec> units = new ArrayList<>(s.units());
            Collections.shuffle(machines, r);
            Collections.shuffle(units, r);
            assertThat(plan(new ClusterSnapshot(machines, units))).as("seed %d", seed).isEqualTo(expected);
        }
    }
}
