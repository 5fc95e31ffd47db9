package dev.flotilla.cli;

import static dev.flotilla.cli.AgentProcessCluster.PATIENCE;
import static dev.flotilla.cli.AgentProcessCluster.ok;
import static dev.flotilla.cli.AgentProcessCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.UnitState;
import dev.flotilla.cli.AgentProcessCluster.UnitProcess;

/**
 * fleet's functional scheduling scenarios ({@code [X-Fleet]}), end to end: units started with the CLI land on
 * three real {@code flotilla agent} processes (metadata {@code zone=z1..z3}, {@code disk=ssd} on a and b) where
 * the rules say, and run there as real processes. Each assertion names the machine a unit landed on, as
 * {@code list-units} and the process table show it.
 */
class AgentsPlacementIT {

    private static AgentProcessCluster cluster;
    private static AgentProcess a;
    private static AgentProcess b;
    private static AgentProcess c;

    @BeforeAll
    static void startCluster() {
        cluster = AgentProcessCluster.start("placement", "127.0.4", Duration.ofSeconds(5),
                AgentSpec.named("a").metadata("zone=z1,disk=ssd"), AgentSpec.named("b").metadata("zone=z2,disk=ssd"),
                AgentSpec.named("c").metadata("zone=z3,disk=hdd"));
        a = cluster.agent("a");
        b = cluster.agent("b");
        c = cluster.agent("c");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void destroyUnits() {
        cluster.destroyAllUnits();
    }

    @Test
    void fiveMutuallyConflictingUnitsOnThreeMachinesRunThreeOnDistinctMachines() {
        String marker = cluster.newMarker();
        List<String> start = new ArrayList<>(List.of("start", "--block-attempts", "4"));
        for (int i = 0; i < 5; i++) {
            cluster.unitFile("conflict." + i + ".service", "[Service]\nExecStart=/bin/sleep " + marker + i
                    + "\n\n[X-Fleet]\nConflicts=conflict.*.service\n");
            start.add("conflict." + i + ".service");
        }
        CliProcess.Result started = cluster.cli(start.toArray(String[]::new));
        assertThat(started.exitCode()).as("two of the five cannot run: %s", started).isEqualTo(1);
        assertThat(started.out().lines()).hasSize(3).allMatch(line -> line.matches(
                "Unit conflict\\.[0-4]\\.service launched on [0-9a-f]{8}\\.\\.\\./127\\.0\\.4\\.[123]"));
        assertThat(started.err().lines().filter(line -> line.contains(" did not become launched within 4 attempts (8 s): "
                + "it cannot be scheduled:"))).hasSize(2);
        for (AgentProcess machine : List.of(a, b, c)) {
            assertThat(Pattern.compile("\n  " + Pattern.quote(machine.legend()) + ": conflicts with conflict\\.[0-4]\\.service\n")
                    .matcher(started.err()).results()).as("%s refuses both waiting units", machine).hasSize(2);
        }

        List<List<String>> files = rows(cluster.cli("list-unit-files", "--no-legend"));
        assertThat(files).hasSize(5).allMatch(row -> row.get(2).equals("launched"));
        assertThat(files.stream().filter(row -> row.get(4).equals("-"))).as("two wait for a machine").hasSize(2);
        Map<String, AgentProcess> placed = placements();
        assertThat(placed).hasSize(3);
        assertThat(new HashSet<>(placed.values())).as("on distinct machines: %s", placed).hasSize(3);
        List<UnitProcess> processes = cluster.unitProcesses(marker);
        assertThat(processes).hasSize(3);
        for (UnitProcess p : processes) {
            assertThat(p.agent()).isEqualTo(placed.get("conflict." + p.marker().substring(marker.length()) + ".service"));
        }
    }

    @Test
    void aOneWayConflictKeepsTheOtherUnitOffItsMachineUntilItIsDestroyed() {
        String marker = cluster.newMarker();
        cluster.unitFile("conflicts-with-hello.service", "[Service]\nExecStart=/bin/sleep " + marker
                + "1\n\n[X-Fleet]\nConflicts=hello.service\nMachineMetadata=zone=z1\n");
        cluster.unitFile("hello.service", "[Service]\nExecStart=/bin/sleep " + marker + "2\n\n[X-Fleet]\nMachineMetadata=zone=z1\n");
        assertThat(ok(cluster.cli("start", "conflicts-with-hello.service")).out())
                .isEqualTo("Unit conflicts-with-hello.service launched on " + a.legend() + "\n");

        CliProcess.Result hello = cluster.cli("start", "--block-attempts", "1", "hello.service");
        assertThat(hello.exitCode()).as(hello.toString()).isEqualTo(1);
        assertThat(hello.err()).contains("\n  " + a.legend() + ": conflicts with conflicts-with-hello.service\n",
                "\n  " + b.legend() + ": metadata zone=z1 does not match\n");
        assertThat(rows(cluster.cli("list-units", "--no-legend")))
                .containsExactly(List.of("conflicts-with-hello.service", a.legend(), "active", "running"));
        assertThat(cluster.unitProcesses(marker).stream().map(UnitProcess::marker)).containsExactly(marker + "1");

        ok(cluster.cli("destroy", "conflicts-with-hello.service"));
        awaitStates(states -> states.size() == 1 && states.getFirst().name().equals("hello.service")
                && states.getFirst().isLoadedAndActive());
        assertThat(rows(cluster.cli("list-units", "--no-legend")))
                .containsExactly(List.of("hello.service", a.legend(), "active", "running"));
        await().atMost(PATIENCE).until(() -> cluster.unitProcesses(marker + "1").isEmpty());
        assertThat(cluster.unitProcesses(marker)).singleElement()
                .satisfies(p -> assertThat(p.marker()).isEqualTo(marker + "2"))
                .satisfies(p -> assertThat(p.agent()).isEqualTo(a));
    }

    @Test
    void everyConflictOfAUnitIsHonouredWhetherOnOneLineOrSeveral() {
        String marker = cluster.newMarker();
        cluster.unitFile("one.service", pinned(marker + "1", a));
        cluster.unitFile("two.service", pinned(marker + "2", b));
        cluster.unitFile("multi.service", "[Service]\nExecStart=/bin/sleep " + marker
                + "3\n\n[X-Fleet]\nConflicts=one.service two.service\n");
        cluster.unitFile("multi2.service", "[Service]\nExecStart=/bin/sleep " + marker
                + "4\n\n[X-Fleet]\nConflicts=one.service two.service\nConflicts=multi.service\n");
        ok(cluster.cli("start", "one.service", "two.service"));
        assertThat(ok(cluster.cli("start", "multi.service")).out()).isEqualTo("Unit multi.service launched on " + c.legend() + "\n");

        CliProcess.Result multi2 = cluster.cli("start", "--block-attempts", "1", "multi2.service");
        assertThat(multi2.exitCode()).as(multi2.toString()).isEqualTo(1);
        assertThat(multi2.err()).contains("it cannot be scheduled:\n",
                "\n  " + a.legend() + ": conflicts with one.service\n",
                "\n  " + b.legend() + ": conflicts with two.service\n",
                "\n  " + c.legend() + ": conflicts with multi.service\n");
        assertThat(hosts(marker)).isEqualTo(Map.of(marker + "1", a, marker + "2", b, marker + "3", c));
    }

    @Test
    void machineOfPairsLandTogetherOnDistinctMachines() {
        String ping = cluster.newMarker();
        String pong = cluster.newMarker();
        cluster.unitFile("ping@.service", "[Service]\nExecStart=/bin/sleep " + ping + "%i\n");
        cluster.unitFile("pong@.service", "[Service]\nExecStart=/bin/sleep " + pong + "%i\n\n[X-Fleet]\nMachineOf=ping@%i.service\n");
        ok(cluster.cli("start", "ping@1", "pong@1", "ping@2", "pong@2", "ping@3", "pong@3"));

        Map<String, AgentProcess> placed = placements();
        assertThat(placed).hasSize(6);
        Set<AgentProcess> pairs = new HashSet<>();
        for (int i = 1; i <= 3; i++) {
            AgentProcess machine = placed.get("ping@" + i + ".service");
            assertThat(placed.get("pong@" + i + ".service")).as("pong@%d beside ping@%d", i, i).isEqualTo(machine);
            assertThat(cluster.unitProcesses(ping + i)).singleElement().satisfies(p -> assertThat(p.agent()).isEqualTo(machine));
            assertThat(cluster.unitProcesses(pong + i)).singleElement().satisfies(p -> assertThat(p.agent()).isEqualTo(machine));
            pairs.add(machine);
        }
        assertThat(pairs).as("least-loaded placement spreads the pairs").hasSize(3);
    }

    @Test
    void aUnitWithReplacesTakesTheMachineOfTheUnitItReplacesWhichMovesElsewhere() {
        String marker = cluster.newMarker();
        cluster.unitFile("replace.0.service", "[Service]\nExecStart=/bin/sleep " + marker + "0\n");
        cluster.unitFile("replace.1.service", "[Service]\nExecStart=/bin/sleep " + marker
                + "1\n\n[X-Fleet]\nReplaces=replace.0.service\n");
        CliProcess.Result first = ok(cluster.cli("start", "replace.0.service"));
        AgentProcess original = cluster.agentOfLegend(first.out().strip().replaceFirst(".* launched on ", ""));

        assertThat(ok(cluster.cli("start", "replace.1.service")).out())
                .isEqualTo("Unit replace.1.service launched on " + original.legend() + "\n");
        awaitStates(states -> states.size() == 2 && states.stream().allMatch(UnitState::isLoadedAndActive)
                && states.stream().noneMatch(s -> s.name().equals("replace.0.service")
                        && s.machineID().equals(original.machineId())));
        Map<String, AgentProcess> placed = placements();
        assertThat(placed.get("replace.1.service")).isEqualTo(original);
        assertThat(placed.get("replace.0.service")).as("the replaced unit moved").isNotEqualTo(original);
        await().atMost(PATIENCE).until(() -> cluster.unitProcesses(marker + "0").size() == 1);
        assertThat(hosts(marker)).isEqualTo(Map.of(marker + "0", placed.get("replace.0.service"), marker + "1", original));
    }

    @Test
    void unitsThatReplaceEachOtherRunOnlyOne() {
        String marker = cluster.newMarker();
        cluster.unitFile("circle-a.service", "[Service]\nExecStart=/bin/sleep " + marker
                + "1\n\n[X-Fleet]\nReplaces=circle-b.service\n");
        cluster.unitFile("circle-b.service", "[Service]\nExecStart=/bin/sleep " + marker
                + "2\n\n[X-Fleet]\nReplaces=circle-a.service\n");
        AgentProcess machine = cluster.agentOfLegend(ok(cluster.cli("start", "circle-a.service")).out().strip()
                .replaceFirst(".* launched on ", ""));

        CliProcess.Result rival = cluster.cli("start", "--block-attempts", "1", "circle-b.service");
        assertThat(rival.exitCode()).as(rival.toString()).isEqualTo(1);
        assertThat(rival.err()).contains("replaced by circle-a.service (they replace each other)");
        List<List<String>> files = rows(cluster.cli("list-unit-files", "--no-legend", "--fields", "unit,dstate,state,target"));
        assertThat(files).containsExactly(List.of("circle-a.service", "launched", "launched", machine.legend()),
                List.of("circle-b.service", "launched", "inactive", "-"));
        assertThat(hosts(marker)).isEqualTo(Map.of(marker + "1", machine));
    }

    @Test
    void machineIdPinsEachUnitToItsMachineByFullOrShortId() {
        String marker = cluster.newMarker();
        cluster.unitFile("pin-a.service", pinned(marker + "1", a));
        cluster.unitFile("pin-b.service", pinned(marker + "2", b));
        cluster.unitFile("pin-c.service", "[Service]\nExecStart=/bin/sleep " + marker + "3\n\n[X-Fleet]\nMachineID="
                + c.machineId().substring(0, 8) + "\n");
        CliProcess.Result start = ok(cluster.cli("start", "pin-c.service", "pin-b.service", "pin-a.service"));
        assertThat(start.out().lines()).containsExactlyInAnyOrder("Unit pin-a.service launched on " + a.legend(),
                "Unit pin-b.service launched on " + b.legend(), "Unit pin-c.service launched on " + c.legend());
        assertThat(placements()).isEqualTo(Map.of("pin-a.service", a, "pin-b.service", b, "pin-c.service", c));
        assertThat(hosts(marker)).isEqualTo(Map.of(marker + "1", a, marker + "2", b, marker + "3", c));
    }

    @Test
    void machineMetadataWithTheInstanceSpecifierSendsEachInstanceToItsZone() {
        String marker = cluster.newMarker();
        cluster.unitFile("zoned@.service", "[Service]\nExecStart=/bin/sleep " + marker
                + "%i\n\n[X-Fleet]\nMachineMetadata=zone=z%i\n");
        ok(cluster.cli("start", "zoned@3", "zoned@1", "zoned@2"));
        assertThat(placements()).isEqualTo(Map.of("zoned@1.service", a, "zoned@2.service", b, "zoned@3.service", c));
        assertThat(hosts(marker)).isEqualTo(Map.of(marker + "1", a, marker + "2", b, marker + "3", c));

        CliProcess.Result nowhere = cluster.cli("start", "--block-attempts", "1", "zoned@4");
        assertThat(nowhere.exitCode()).as(nowhere.toString()).isEqualTo(1);
        for (AgentProcess machine : List.of(a, b, c)) {
            assertThat(nowhere.err()).contains("\n  " + machine.legend() + ": metadata zone=z4 does not match\n");
        }
    }

    @Test
    void globalUnitsRunOnEveryMatchingMachineBesideNormalUnitsAndTheCountsAddUp() {
        String marker = cluster.newMarker();
        cluster.unitFile("hello.service", "[Service]\nExecStart=/bin/sleep " + marker + "1\n");
        cluster.unitFile("goodbye.service", "[Service]\nExecStart=/bin/sleep " + marker + "2\n");
        cluster.unitFile("global.service", "[Service]\nExecStart=/bin/sleep " + marker + "3\n\n[X-Fleet]\nGlobal=true\n");
        cluster.unitFile("ssd-global.service", "[Service]\nExecStart=/bin/sleep " + marker
                + "4\n\n[X-Fleet]\nGlobal=true\nMachineMetadata=disk=ssd\n");
        ok(cluster.cli("start", "hello.service", "goodbye.service"));
        assertThat(ok(cluster.cli("start", "global.service", "ssd-global.service")).out())
                .isEqualTo("Triggered global unit global.service start\nTriggered global unit ssd-global.service start\n");
        awaitStates(states -> states.size() == 7 && states.stream().allMatch(UnitState::isLoadedAndActive));

        List<List<String>> units = rows(cluster.cli("list-units", "--no-legend"));
        assertThat(units).hasSize(2 + 3 + 2).allMatch(row -> row.subList(2, 4).equals(List.of("active", "running")));
        assertThat(machinesOf(units, "global.service")).containsExactlyInAnyOrder(a, b, c);
        assertThat(machinesOf(units, "ssd-global.service")).containsExactlyInAnyOrder(a, b);
        assertThat(machinesOf(units, "hello.service")).hasSize(1);
        assertThat(machinesOf(units, "goodbye.service")).hasSize(1);
        assertThat(cluster.unitProcesses(marker + "3").stream().map(UnitProcess::agent)).containsExactlyInAnyOrder(a, b, c);
        assertThat(cluster.unitProcesses(marker + "4").stream().map(UnitProcess::agent)).containsExactlyInAnyOrder(a, b);
        assertThat(cluster.unitProcesses(marker)).hasSize(7);
        assertThat(rows(cluster.cli("list-unit-files", "--no-legend", "--fields", "unit,dstate,state,target")))
                .contains(List.of("global.service", "launched", "-", "global"), List.of("ssd-global.service", "launched", "-", "global"));
    }

    @Test
    void ofTwoConflictingGlobalUnitsOnlyTheFirstByNameRunsOnEachMachine() {
        String marker = cluster.newMarker();
        for (int i = 1; i <= 2; i++) {
            cluster.unitFile("conflict-global." + i + ".service", "[Service]\nExecStart=/bin/sleep " + marker + i
                    + "\n\n[X-Fleet]\nGlobal=true\nConflicts=conflict-global.*.service\n");
        }
        ok(cluster.cli("start", "conflict-global.2.service"));
        await().atMost(PATIENCE).until(() -> cluster.unitProcesses(marker + "2").size() == 3);

        ok(cluster.cli("start", "conflict-global.1.service"));
        await("conflict-global.1 takes every machine from conflict-global.2").atMost(PATIENCE)
                .until(() -> cluster.unitProcesses(marker + "1").size() == 3 && cluster.unitProcesses(marker + "2").isEmpty());
        awaitStates(states -> states.size() == 3 && states.stream().allMatch(UnitState::isLoadedAndActive));
        List<List<String>> units = rows(cluster.cli("list-units", "--no-legend"));
        assertThat(machinesOf(units, "conflict-global.1.service")).containsExactlyInAnyOrder(a, b, c);
        assertThat(units).hasSize(3);
        assertThat(cluster.unitProcesses(marker + "1").stream().map(UnitProcess::agent)).containsExactlyInAnyOrder(a, b, c);
    }

    /** A unit running {@code sleep marker}, pinned to {@code machine} by its full ID. */
    private static String pinned(String marker, AgentProcess machine) {
        return "[Service]\nExecStart=/bin/sleep " + marker + "\n\n[X-Fleet]\nMachineID=" + machine.machineId() + "\n";
    }

    /** Waits until the unit states the API lists satisfy {@code condition}. */
    private static void awaitStates(Predicate<List<UnitState>> condition) {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> condition.test(cluster.api().states(null, null)));
    }

    /** Where {@code list-units} says each unit runs (units with one row each). */
    private static Map<String, AgentProcess> placements() {
        Map<String, AgentProcess> placed = new TreeMap<>();
        for (List<String> row : rows(cluster.cli("list-units", "--no-legend"))) {
            assertThat(placed.put(row.getFirst(), cluster.agentOfLegend(row.get(1)))).as("one row per unit").isNull();
        }
        return placed;
    }

    /** The machines {@code list-units} rows give for {@code unit}. */
    private static List<AgentProcess> machinesOf(List<List<String>> rows, String unit) {
        return rows.stream().filter(row -> row.getFirst().equals(unit)).map(row -> cluster.agentOfLegend(row.get(1))).toList();
    }

    /** Each {@code sleep MARKER...} process by its marker, with the agent it runs under (one each). */
    private static Map<String, AgentProcess> hosts(String markerPrefix) {
        Map<String, AgentProcess> hosts = new TreeMap<>();
        for (UnitProcess p : cluster.unitProcesses(markerPrefix)) {
            assertThat(hosts.put(p.marker(), p.agent())).as("one process per marker").isNull();
        }
        return hosts;
    }
}
