package dev.flotilla.cli;

import static dev.flotilla.cli.AgentProcessCluster.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitState;

/**
 * Machine loss as a fault, with a 5 s lease TTL (the default until issue 8; now 3 s): an agent killed with SIGKILL, a plain one and the
 * engine's leader, or frozen with SIGSTOP. Its units must stop running on the dead machine (its fencing watchdog) and run elsewhere, and
 * a {@link CopySampler} reading the process table every 50 ms must never see a unit run twice after the fencing
 * window (the kill plus one TTL: the dead agent's last keep-alive was before the kill). Nothing else is touched.
 * docs/faults.md.
 */
class FaultsMachineLossIT {

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final int UNITS = 6;
    private static AgentProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = AgentProcessCluster.start("faults-machine-loss", "127.0.11", TTL,
                AgentSpec.named("a"), AgentSpec.named("b"), AgentSpec.named("c"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void reviveAndClean() {
        for (AgentProcess agent : cluster.agents()) {
            if (!agent.isAlive()) {
                agent.start();
            }
        }
        cluster.awaitMachines();
        cluster.destroyAllUnits();
    }

    @Test
    void aKilledAgentsUnitsStopThereAndRunElsewhereAndNoOtherUnitIsTouched() {
        String marker = startUnits();
        Map<String, AgentProcess> before = placements();
        Map<String, Long> pidsBefore = pids(marker);
        AgentProcess leader = cluster.awaitLeader();
        AgentProcess victim = before.values().stream().filter(a -> a != leader).findFirst().orElseThrow();
        Set<String> victims = unitsOn(before, victim);

        CopySampler sampler = CopySampler.start(cluster, marker);
        long killed = System.nanoTime();
        victim.kill();
        awaitAllRunningExcept(victim);
        long movedAt = System.nanoTime();
        await("the dead machine's unit processes are fenced").atMost(PATIENCE)
                .until(() -> cluster.unitProcesses(marker).stream().noneMatch(p -> p.agent() == victim));
        long fencedSeen = System.nanoTime();
        sampler.close();
        System.out.printf("FaultsMachineLossIT: %d unit(s) of a killed agent reported active elsewhere %.2f s after the "
                + "kill, its copies gone by %.2f s; processes: %s%n", victims.size(), (movedAt - killed) / 1e9,
                (fencedSeen - killed) / 1e9, sampler.handover(victim, killed));

        assertNeverTwiceAfter(sampler, killed + TTL.toNanos(), killed);
        assertThat(victim.watchdogLog()).as("the watchdog fenced the dead agent's units")
                .contains("the agent's heartbeat ran out: fencing every unit");
        Map<String, AgentProcess> after = placements();
        Map<String, Long> pidsAfter = pids(marker);
        assertThat(after.keySet()).hasSize(UNITS);
        for (String unit : before.keySet()) {
            if (victims.contains(unit)) {
                assertThat(after.get(unit)).as("%s moved off the dead machine", unit).isNotEqualTo(victim);
                assertThat(pidsAfter.get(unit)).as("%s runs anew", unit).isNotEqualTo(pidsBefore.get(unit));
            } else {
                assertThat(after.get(unit)).as("%s stayed", unit).isEqualTo(before.get(unit));
                assertThat(pidsAfter.get(unit)).as("%s untouched: same process", unit).isEqualTo(pidsBefore.get(unit));
            }
        }

        victim.start(); // the machine comes back: it finds its units fenced, and nothing runs twice
        cluster.awaitMachines();
        await("the returned machine settles").atMost(PATIENCE).ignoreExceptions()
                .until(() -> cluster.api().states(null, null).size() == UNITS);
        assertThat(placements()).isEqualTo(after);
        assertThat(pids(marker)).isEqualTo(pidsAfter);
    }

    @Test
    void aFrozenAgentsUnitsAreStoppedByItsWatchdogAndItRejoinsWhenItRunsAgain() {
        String marker = startUnits();
        Map<String, AgentProcess> before = placements();
        Map<String, Long> pidsBefore = pids(marker);
        AgentProcess leader = cluster.awaitLeader();
        AgentProcess frozen = before.values().stream().filter(a -> a != leader).findFirst().orElseThrow();
        Set<String> frozenUnits = unitsOn(before, frozen);

        CopySampler sampler = CopySampler.start(cluster, marker);
        long frozenAt = System.nanoTime();
        frozen.freeze(); // SIGSTOP: it cannot renew, nor fence
        try {
            awaitAllRunningExcept(frozen);
            await("the frozen machine's unit processes are fenced").atMost(PATIENCE)
                    .until(() -> cluster.unitProcesses(marker).stream().noneMatch(p -> p.agent() == frozen));
        } finally {
            frozen.thaw();
        }
        System.out.printf("FaultsMachineLossIT: a frozen agent's units: %s%n", sampler.handover(frozen, frozenAt));
        cluster.awaitMachines();
        await("the thawed agent fenced and rejoined").atMost(PATIENCE)
                .until(() -> frozen.errors().contains("fences its units"));
        await("every unit runs once").atMost(PATIENCE).ignoreExceptions()
                .until(() -> cluster.api().states(null, null).size() == UNITS && pids(marker).size() == UNITS);
        sampler.close();

        assertNeverTwiceAfter(sampler, frozenAt + TTL.toNanos(), frozenAt);
        assertThat(frozen.watchdogLog()).contains("the agent's heartbeat ran out: fencing every unit");
        Map<String, AgentProcess> after = placements();
        Map<String, Long> pidsAfter = pids(marker);
        for (String unit : before.keySet()) {
            if (frozenUnits.contains(unit)) {
                assertThat(after.get(unit)).as("%s moved off the frozen machine", unit).isNotEqualTo(frozen);
            } else {
                assertThat(pidsAfter.get(unit)).as("%s untouched: same process", unit).isEqualTo(pidsBefore.get(unit));
            }
        }
    }

    @Test
    void aKilledEngineLeaderIsReplacedWithinOneLeaseTtlAndNoUnitIsScheduledTwice() {
        String marker = startUnits();
        Map<String, AgentProcess> before = placements();
        AgentProcess leader = cluster.awaitLeader();
        Set<String> onLeader = unitsOn(before, leader);

        CopySampler sampler = CopySampler.start(cluster, marker);
        long killed = System.nanoTime();
        leader.kill();
        String[] next = new String[1];
        await("another engine leads").atMost(TTL.multipliedBy(6)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> {
                    next[0] = cluster.api().health().leader();
                    return next[0] != null && cluster.agentOfMachine(next[0]).isAlive();
                });
        long tookOver = System.nanoTime();
        awaitAllRunningExcept(leader);
        long movedAt = System.nanoTime();
        await("the dead leader's unit processes are fenced").atMost(PATIENCE)
                .until(() -> cluster.unitProcesses(marker).stream().noneMatch(p -> p.agent() == leader));
        sampler.close();
        System.out.printf("FaultsMachineLossIT: a killed leader was replaced %.2f s after the kill (TTL %d s); its %d "
                + "unit(s) reported active elsewhere after %.2f s; processes: %s%n", (tookOver - killed) / 1e9,
                TTL.toSeconds(), onLeader.size(), (movedAt - killed) / 1e9, sampler.handover(leader, killed));

        assertThat(cluster.agentOfMachine(next[0])).isNotEqualTo(leader);
        assertNeverTwiceAfter(sampler, killed + TTL.toNanos(), killed);
        // The schedule: every unit on exactly one machine, a live one, in list-units and in the units' records.
        Map<String, AgentProcess> after = placements();
        assertThat(after).hasSize(UNITS).doesNotContainValue(leader);
        for (Unit unit : units()) {
            assertThat(unit.machineID()).as("%s is scheduled", unit.name()).isNotNull();
            assertThat(cluster.agentOfMachine(unit.machineID())).as("%s on the machine list-units shows", unit.name())
                    .isEqualTo(after.get(unit.name()));
        }
        // The real processes: exactly one copy of each, where the schedule says.
        pids(marker);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String startUnits() {
        return FaultsSupport.startWebUnits(cluster, UNITS);
    }

    private static void awaitAllRunningExcept(AgentProcess dead) {
        dev.flotilla.api.FleetClient api = cluster.liveAgents().stream().filter(a -> a != dead).findFirst().orElseThrow().api();
        await("every unit runs on a live machine").atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> {
                    List<UnitState> states = api.states(null, null);
                    return states.size() == UNITS && states.stream().allMatch(s -> s.isLoadedAndActive()
                            && !s.machineID().equals(dead.machineId()));
                });
    }

    private static void assertNeverTwiceAfter(CopySampler sampler, long window, long origin) {
        FaultsSupport.assertNeverTwiceAfter(sampler, window, origin, "kill");
    }

    private static Set<String> unitsOn(Map<String, AgentProcess> placed, AgentProcess agent) {
        return FaultsSupport.unitsOn(placed, agent);
    }

    private static Map<String, AgentProcess> placements() {
        return FaultsSupport.placements(cluster);
    }

    private static Map<String, Long> pids(String marker) {
        return FaultsSupport.pids(cluster, marker);
    }

    private static List<Unit> units() {
        try {
            return cluster.api().units();
        } catch (dev.flotilla.api.ApiException e) {
            throw new AssertionError(e);
        }
    }
}
