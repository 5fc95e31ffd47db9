package dev.flotilla.cli;

import static dev.flotilla.cli.AgentProcessCluster.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.UnitState;
import dev.flotilla.testkit.TcpProxy;

/**
 * One agent cut off from etcd while the others still reach it: its connection to etcd goes through a
 * {@link TcpProxy} the test black-holes (connections accepted, nothing forwarded), with a 5 s lease TTL (the default
 * until issue 8). While its store is SUSPENDED it keeps its units running; once its lease may be gone it fences them; the
 * others run them; a {@link CopySampler} must never see a unit run twice after the fencing window (the cut plus
 * one TTL). The link stays cut until the agent's etcd connection is LOST; when it returns the agent rejoins as the
 * same machine and nothing runs twice. fleet ran such units twice (its issue #440). docs/faults.md.
 */
class FaultsEtcdPartitionIT {

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final int UNITS = 6;
    private static AgentProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = AgentProcessCluster.start("faults-partition", "127.0.13", TTL,
                AgentSpec.named("a"), AgentSpec.named("b"), AgentSpec.named("c").throughProxy());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anAgentCutOffFromEtcdKeepsItsUnitsWhileSuspendedFencesThemInTimeAndRejoinsCleanly() {
        AgentProcess cut = cluster.agent("c");
        TcpProxy link = cluster.proxyOf(cut);
        String machine = cut.machineId();
        String marker = FaultsSupport.startWebUnits(cluster, UNITS);
        Map<String, AgentProcess> before = FaultsSupport.placements(cluster);
        Set<String> onCut = FaultsSupport.unitsOn(before, cut);
        assertThat(onCut).as("the units spread over the three machines").isNotEmpty();
        Map<String, Long> pidsBefore = FaultsSupport.pids(cluster, marker);

        CopySampler sampler = CopySampler.start(cluster, marker);
        long cutAt = System.nanoTime();
        link.blackhole();
        dev.flotilla.api.FleetClient api = cluster.agent("a").api();
        await("the cut-off machine's units run elsewhere").atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> {
                    List<UnitState> states = api.states(null, null);
                    return states.size() == UNITS && states.stream().allMatch(s -> s.isLoadedAndActive()
                            && !s.machineID().equals(machine));
                });
        long movedAt = System.nanoTime();
        await("the cut-off agent fences its units").atMost(PATIENCE)
                .until(() -> cluster.unitProcesses(marker).stream().noneMatch(p -> p.agent() == cut));
        assertThat(cut.errors()).contains("fences its units");
        System.out.printf("FaultsEtcdPartitionIT: %d unit(s) of a cut-off agent reported active elsewhere %.2f s after "
                + "the cut; processes: %s%n", onCut.size(), (movedAt - cutAt) / 1e9, sampler.handover(cut, cutAt));

        // While SUSPENDED, before its lease could have expired, the cut-off agent kept its units running: it can
        // fence no earlier than its last keep-alive (at most TTL/3 before the cut) plus the TTL minus the margin.
        long suspendedUntil = cutAt + TTL.multipliedBy(2).dividedBy(3).minusMillis(500).toNanos();
        List<CopySampler.Sample> suspended = sampler.samples().stream()
                .filter(s -> s.atNanos() >= cutAt && s.atNanos() < suspendedUntil).toList();
        assertThat(suspended).as("samples while the agent was surely suspended").isNotEmpty();
        for (CopySampler.Sample s : suspended) {
            for (String unit : onCut) {
                String argument = marker + unit.substring("web@".length(), unit.indexOf('.'));
                assertThat(s.copies().getOrDefault(argument, List.of())).as("%s runs on the cut-off machine %.2f s "
                        + "after the cut, while it is suspended", unit, (s.atNanos() - cutAt) / 1e9).containsExactly("c");
            }
        }

        // A partition that lasts: the agent's connection goes LOST (its session timeout, 10 s) before the link heals.
        await("the cut-off agent's etcd connection is LOST").atMost(PATIENCE)
                .until(() -> cut.errors().contains("-> LOST"));
        long restoredAt = System.nanoTime();
        link.restore();
        await("the cut-off agent rejoins as the same machine").atMost(PATIENCE).ignoreExceptions()
                .until(() -> api.machines().stream().anyMatch(m -> m.id().equals(machine)));
        cluster.awaitMachines();
        await("every unit runs once, where the engine placed it").atMost(PATIENCE).ignoreExceptions()
                .until(() -> FaultsSupport.pids(cluster, marker).size() == UNITS);
        sampler.close();
        System.out.printf("FaultsEtcdPartitionIT: the link was restored %.2f s after the cut%n", (restoredAt - cutAt) / 1e9);

        FaultsSupport.assertNeverTwiceAfter(sampler, cutAt + TTL.toNanos(), cutAt, "cut");
        Map<String, Long> pidsAfter = FaultsSupport.pids(cluster, marker);
        for (String unit : before.keySet()) {
            if (!onCut.contains(unit)) {
                assertThat(pidsAfter.get(unit)).as("%s, on a machine that was not cut off, untouched", unit)
                        .isEqualTo(pidsBefore.get(unit));
            }
        }
        assertThat(cluster.agentOfMachine(machine)).isEqualTo(cut);
    }

}
