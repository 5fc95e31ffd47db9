package dev.flotilla.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.flotilla.registry.RegistryEvent.GlobalUnitChanged;
import dev.flotilla.registry.RegistryEvent.GlobalUnitRemoved;
import dev.flotilla.registry.RegistryEvent.ScheduleChanged;
import dev.flotilla.registry.RegistryEvent.ScheduleRemoved;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/**
 * {@link MachineView#withEvents} with the placement and global-unit streams of
 * {@link Registry#watchMachine} interleaved in every order a watch may deliver them.
 */
class MachineViewTest {

    private static final MachineId M1 = new MachineId("11111111111111111111111111111111");
    private static final MachineId M2 = new MachineId("22222222222222222222222222222222");
    private static final ContentHash HASH = ContentHash.of("[Service]\nExecStart=/bin/true\n");

    private static UnitName unit(String name) {
        return new UnitName(name);
    }

    private static ScheduleEntry placed(String name, MachineId machine) {
        return new ScheduleEntry(unit(name), machine, DesiredState.LAUNCHED, HASH);
    }

    private static GlobalUnitEntry global(String name, DesiredState state) {
        return new GlobalUnitEntry(unit(name), HASH, state);
    }

    private final MachineView start = new MachineView(10, M1, new TreeMap<>(), new TreeMap<>());

    // The store's history after revision 10: placements at 11, 14, 16; global units at 12, 13, 15.
    private final List<RegistryEvent> placements = List.of(
            new ScheduleChanged(placed("a.service", M1), 11),
            new ScheduleChanged(placed("b.service", M1), 14),
            new ScheduleChanged(placed("a.service", M2), 16));
    private final List<RegistryEvent> globals = List.of(
            new GlobalUnitChanged(global("mon.service", DesiredState.LAUNCHED), 12),
            new GlobalUnitChanged(global("log.service", DesiredState.LAUNCHED), 13),
            new GlobalUnitRemoved(unit("log.service"), 15));

    @Test
    void placementsFirstThenOlderGlobalUnitsDropNothing() {
        MachineView view = start.withEvents(placements).withEvents(globals);

        assertThat(view.scheduled()).containsOnlyKeys(unit("b.service"));
        assertThat(view.globals()).containsOnlyKeys(unit("mon.service"));
        assertThat(view.scheduledRevision()).isEqualTo(16);
        assertThat(view.globalsRevision()).isEqualTo(15);
        assertThat(view.revision()).isEqualTo(16);
    }

    @Test
    void everyInterleavingOfSingleEventBatchesGivesTheSameView() {
        MachineView expected = start.withEvents(List.of(placements.get(0), globals.get(0), globals.get(1),
                placements.get(1), globals.get(2), placements.get(2)));
        assertThat(expected.scheduled()).containsOnlyKeys(unit("b.service"));
        assertThat(expected.globals()).containsOnlyKeys(unit("mon.service"));

        // Each stream keeps its own order; choose, at each step, which stream delivers next.
        for (int mask = 0; mask < 1 << 6; mask++) {
            if (Integer.bitCount(mask) != 3) {
                continue;
            }
            MachineView view = start;
            int p = 0;
            int g = 0;
            for (int step = 0; step < 6; step++) {
                RegistryEvent next = (mask & 1 << step) != 0 ? placements.get(p++) : globals.get(g++);
                view = view.withEvents(List.of(next));
            }
            assertThat(view).as("interleaving %s", Integer.toBinaryString(mask)).isEqualTo(expected);
        }
    }

    @Test
    void eventsAlreadyAppliedOrOlderThanTheReadAreIgnored() {
        MachineView view = start.withEvents(placements).withEvents(globals);

        assertThat(view.withEvents(placements).withEvents(globals)).isEqualTo(view);
        MachineView later = new MachineView(20, M1, new TreeMap<>(), new TreeMap<>());
        assertThat(later.withEvents(placements).withEvents(globals)).isEqualTo(later);
        assertThat(view.withEvents(List.of(new ScheduleRemoved(unit("b.service"), 15)))).isEqualTo(view);
        assertThat(view.withEvents(List.of(new ScheduleRemoved(unit("b.service"), 17))).scheduled()).isEmpty();
    }
}
