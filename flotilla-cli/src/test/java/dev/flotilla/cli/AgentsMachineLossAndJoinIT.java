package dev.flotilla.cli;

import static dev.flotilla.cli.AgentProcessCluster.PATIENCE;
import static dev.flotilla.cli.AgentProcessCluster.ok;
import static dev.flotilla.cli.AgentProcessCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.UnitState;
import dev.flotilla.cli.AgentProcessCluster.UnitProcess;

/**
 * fleet's machine-loss and machine-join scenarios, end to end: real {@code flotilla agent} processes (lease TTL
 * 3 s) on one etcd; an agent killed with SIGKILL, or a new one started. What moved is read from
 * {@code list-units}; that nothing else was touched is read from the process table (the same PIDs run on).
 * Each test works with whichever agents are alive when it starts.
 */
class AgentsMachineLossAndJoinIT {

    private static AgentProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = AgentProcessCluster.start("machine-loss", "127.0.5", Duration.ofSeconds(3),
                AgentSpec.named("a"), AgentSpec.named("b"), AgentSpec.named("c"));
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
    void aDeadMachinesUnitsMoveWithTheirMachineOfPeersAndNoOtherUnitIsTouched() {
        String ping = cluster.newMarker();
        String pong = cluster.newMarker();
        String plain = cluster.newMarker();
        cluster.unitFile("ping@.service", "[Service]\nExecStart=/bin/sleep " + ping + "%i\n");
        cluster.unitFile("pong@.service", "[Service]\nExecStart=/bin/sleep " + pong + "%i\n\n[X-Fleet]\nMachineOf=ping@%i.service\n");
        cluster.unitFile("plain@.service", "[Service]\nExecStart=/bin/sleep " + plain + "%i\n");
        ok(cluster.cli("start", "ping@1", "pong@1", "ping@2", "pong@2", "ping@3", "pong@3",
                "plain@1", "plain@2", "plain@3", "plain@4", "plain@5", "plain@6"));
        Map<String, AgentProcess> before = placements();
        assertThat(before).hasSize(12);
        Map<String, String> markers = Map.of("ping", ping, "pong", pong, "plain", plain);
        Map<String, Long> pidsBefore = pids(markers);
        for (int i = 1; i <= 3; i++) {
            assertThat(before.get("pong@" + i + ".service")).as("pong@%d beside ping@%d", i, i)
                    .isEqualTo(before.get("ping@" + i + ".service"));
        }

        AgentProcess victim = before.get("ping@1.service");
        Set<String> victims = before.entrySet().stream().filter(e -> e.getValue().equals(victim)).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        try {
            victim.kill();
            await("the dead machine's units run elsewhere").atMost(PATIENCE).ignoreExceptions().until(() -> {
                List<UnitState> states = cluster.api().states(null, null);
                return states.size() == 12 && states.stream().allMatch(s -> s.isLoadedAndActive()
                        && !s.machineID().equals(victim.machineId()));
            });
            cluster.awaitMachines();
            assertThat(rows(cluster.cli("list-machines", "--no-legend", "--full", "--fields", "machine")).stream()
                    .map(List::getFirst)).as("the dead machine left").doesNotContain(victim.machineId()).hasSize(
                            cluster.liveAgents().size());

            Map<String, AgentProcess> after = placements();
            assertThat(after).hasSize(12);
            for (Map.Entry<String, AgentProcess> unit : before.entrySet()) {
                if (victims.contains(unit.getKey())) {
                    assertThat(after.get(unit.getKey())).as("%s moved off the dead machine", unit.getKey())
                            .isNotEqualTo(victim);
                } else {
                    assertThat(after.get(unit.getKey())).as("%s stayed", unit.getKey()).isEqualTo(unit.getValue());
                }
            }
            for (int i = 1; i <= 3; i++) {
                assertThat(after.get("pong@" + i + ".service")).as("pong@%d moved with ping@%d", i, i)
                        .isEqualTo(after.get("ping@" + i + ".service"));
            }

            Map<String, Long> pidsAfter = pids(markers);
            assertThat(pidsAfter).hasSize(12);
            for (Map.Entry<String, Long> unit : pidsBefore.entrySet()) {
                if (victims.contains(unit.getKey())) {
                    assertThat(pidsAfter.get(unit.getKey())).as("%s started anew", unit.getKey()).isNotEqualTo(unit.getValue());
                } else {
                    assertThat(pidsAfter.get(unit.getKey())).as("%s untouched: same process", unit.getKey())
                            .isEqualTo(unit.getValue());
                }
            }
        } finally {
            // The dead agent's watchdog stops its units once its lease may have expired; do not wait for it.
            // Then the machine comes back.
            cluster.killUnitProcessesOf(victim);
            if (!victim.isAlive()) {
                victim.start();
                cluster.awaitMachines();
            }
        }
    }

    @Test
    void aMachineJoiningMovesNothingAndTakesTheNextUnit() {
        String marker = cluster.newMarker();
        cluster.unitFile("steady@.service", "[Service]\nExecStart=/bin/sleep " + marker + "%i\n");
        ok(cluster.cli("start", "steady@1", "steady@2", "steady@3", "steady@4", "steady@5", "steady@6"));
        Map<String, AgentProcess> before = placements();
        Map<String, Long> pidsBefore = pids(Map.of("steady", marker));
        assertThat(pidsBefore).hasSize(6);

        AgentProcess leader = cluster.awaitLeader();
        AgentProcess joined = cluster.addAgent(AgentSpec.named("joiner-" + cluster.agents().size()));
        assertThat(ok(cluster.cli("start", "steady@7")).out())
                .as("the least-loaded machine is the new one, once the engine has seen it join")
                .isEqualTo("Unit steady@7.service launched on " + joined.legend() + "\n");

        Map<String, AgentProcess> after = placements();
        assertThat(after.remove("steady@7.service")).isEqualTo(joined);
        assertThat(after).as("a machine joining moves nothing").isEqualTo(before);
        Map<String, Long> pidsAfter = pids(Map.of("steady", marker));
        assertThat(pidsAfter.remove("steady@7.service")).isNotNull();
        assertThat(pidsAfter).as("and restarts nothing").isEqualTo(pidsBefore);
        assertThat(cluster.awaitLeader()).as("nor takes the lead").isEqualTo(leader);
    }

    /** Where {@code list-units} says each unit runs (one row per unit). */
    private static Map<String, AgentProcess> placements() {
        Map<String, AgentProcess> placed = new TreeMap<>();
        for (List<String> row : rows(cluster.cli("list-units", "--no-legend"))) {
            assertThat(row.subList(2, 4)).as(row.toString()).isEqualTo(List.of("active", "running"));
            assertThat(placed.put(row.getFirst(), cluster.agentOfLegend(row.get(1)))).as("one row per unit").isNull();
        }
        return placed;
    }

    /**
     * The PID of each unit's process under a live agent, by unit ({@code ping@1.service}), for templates whose
     * {@code ExecStart=} is {@code /bin/sleep MARKER%i} (template name to marker); each process must run where
     * {@code list-units} says. A dead agent's units may still run until its watchdog fences them: not counted.
     */
    private static Map<String, Long> pids(Map<String, String> markers) {
        Map<String, AgentProcess> placed = placements();
        Map<String, Long> pids = new TreeMap<>();
        markers.forEach((template, marker) -> {
            for (UnitProcess p : cluster.unitProcesses(marker)) {
                assertThat(p.agent()).as("the agent of process %s", p.pid()).isNotNull();
                if (p.agent().isAlive()) {
                    String unit = template + "@" + p.marker().substring(marker.length()) + ".service";
                    assertThat(pids.put(unit, p.pid())).as("one process for %s", unit).isNull();
                    assertThat(p.agent()).as("%s runs where list-units says", unit).isEqualTo(placed.get(unit));
                }
            }
        });
        return pids;
    }
}
