package dev.flotilla.cli;

import static dev.flotilla.cli.AgentProcessCluster.ok;
import static dev.flotilla.cli.AgentProcessCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.flotilla.cli.AgentProcessCluster.UnitProcess;

/** What the fault tests share: units {@code web@1..N} of {@code /bin/sleep MARKER%i}, and where they run. */
final class FaultsSupport {

    private FaultsSupport() {
    }

    /** Submits {@code web@.service} and starts {@code web@1..units} through the CLI; returns the marker. */
    static String startWebUnits(AgentProcessCluster cluster, int units) {
        String marker = cluster.newMarker();
        cluster.unitFile("web@.service", "[Service]\nExecStart=/bin/sleep " + marker + "%i\n");
        String[] args = new String[units + 1];
        args[0] = "start";
        for (int i = 1; i <= units; i++) {
            args[i] = "web@" + i;
        }
        ok(cluster.cli(args));
        return marker;
    }

    /** Where {@code list-units} says each unit runs; each must be active/running and listed once. */
    static Map<String, AgentProcess> placements(AgentProcessCluster cluster) {
        Map<String, AgentProcess> placed = new TreeMap<>();
        for (List<String> row : rows(cluster.cli("list-units", "--no-legend"))) {
            assertThat(row.subList(2, 4)).as(row.toString()).isEqualTo(List.of("active", "running"));
            assertThat(placed.put(row.getFirst(), cluster.agentOfLegend(row.get(1)))).as("one row per unit: %s", row)
                    .isNull();
        }
        return placed;
    }

    /** The units {@code placed} on {@code agent}. */
    static Set<String> unitsOn(Map<String, AgentProcess> placed, AgentProcess agent) {
        return placed.entrySet().stream().filter(e -> e.getValue() == agent).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /**
     * The PID of each {@code web@N} unit's process, checking that every {@code web@} unit {@code list-units} shows
     * runs exactly once, under a live agent, where {@code list-units} says, and that nothing else of the marker runs.
     */
    static Map<String, Long> pids(AgentProcessCluster cluster, String marker) {
        Map<String, AgentProcess> placed = placements(cluster);
        Map<String, Long> pids = new TreeMap<>();
        for (UnitProcess p : cluster.unitProcesses(marker)) {
            String unit = "web@" + p.marker().substring(marker.length()) + ".service";
            assertThat(p.agent()).as("%s (pid %d) runs under a live agent", unit, p.pid()).isNotNull()
                    .matches(AgentProcess::isAlive);
            assertThat(pids.put(unit, p.pid())).as("one process for %s", unit).isNull();
            assertThat(p.agent()).as("%s runs where list-units says", unit).isEqualTo(placed.get(unit));
        }
        assertThat(pids.keySet()).as("every web@ unit runs")
                .isEqualTo(placed.keySet().stream().filter(u -> u.startsWith("web@")).collect(Collectors.toSet()));
        return pids;
    }

    /** Asserts that no sample begun at or after {@code window} saw a unit run twice; prints any earlier one. */
    static void assertNeverTwiceAfter(CopySampler sampler, long window, long origin, String what) {
        List<CopySampler.Sample> twice = sampler.duplicatesFrom(window);
        assertThat(twice).as("no unit runs twice after the fencing window (%d samples; times from the %s):%n%s",
                sampler.samples().size(), what, sampler.describe(twice, origin)).isEmpty();
        List<CopySampler.Sample> early = sampler.duplicatesFrom(Long.MIN_VALUE);
        if (!early.isEmpty()) {
            System.out.println("two copies within the fencing window (times from the " + what + "):\n"
                    + sampler.describe(early, origin));
        }
    }
}
