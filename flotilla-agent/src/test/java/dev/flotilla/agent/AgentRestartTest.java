package dev.flotilla.agent;

import static dev.flotilla.agent.TestCluster.SLEEP;
import static dev.flotilla.agent.TestCluster.alive;
import static dev.flotilla.agent.TestCluster.pid;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.MachineId;
import dev.flotilla.unit.UnitName;

/** An agent closed and started again over its data directory keeps its identity and adopts its units. */
class AgentRestartTest {

    private TestCluster cluster;

    @BeforeEach
    void cluster() {
        cluster = TestCluster.embedded("restart");
    }

    @AfterEach
    void drain() {
        cluster.close();
    }

    @Test
    void newAgentOverTheSameDataDirAdoptsRunningUnitsWithoutRestartingThem() throws Exception {
        // A lease long enough that a starved keep-alive on a loaded machine cannot fence the unit this test
        // expects to survive the agent's restart (fencing has tests of its own).
        AgentConfig config = cluster.config("127.0.0.2", Map.of("role", "web")).withLeaseTtl(Duration.ofSeconds(20));
        Agent first = cluster.start(config);
        MachineId id = first.machineId();
        cluster.launch("web.service", SLEEP, first);
        cluster.submit("db.service", SLEEP, DesiredState.LOADED);
        cluster.place("db.service", first);
        long pid = pid(cluster.awaitState("web.service", first, "active/running"));
        cluster.awaitState("db.service", first, "inactive/dead");
        long oldLease = first.status().leaseId().orElseThrow();
        var since = first.unitStatus(new UnitName("web.service")).orElseThrow().since();

        first.close();
        assertThat(alive(pid)).isTrue();

        Agent second = cluster.start(config);
        assertThat(second.machineId()).isEqualTo(id);
        assertThat(second.status().leaseId().orElseThrow()).isNotEqualTo(oldLease);
        cluster.awaitState("web.service", second, "active/running");
        cluster.awaitState("db.service", second, "inactive/dead");
        org.awaitility.Awaitility.await().atMost(TestCluster.BOUND).until(() -> second.status().units() == 2);

        assertThat(pid(cluster.state("web.service", second).orElseThrow())).isEqualTo(pid);
        assertThat(alive(pid)).isTrue();
        assertThat(second.unitStatus(new UnitName("web.service"))).hasValueSatisfying(s -> {
            assertThat(s.mainPid()).hasValue(pid);
            assertThat(s.since()).isEqualTo(since);
            assertThat(s.restarts()).isZero();
        });
        assertThat(TestCluster.journal(second, "web.service").lines().filter(l -> l.startsWith("Starting")).count())
                .isEqualTo(1);
        assertThat(cluster.registry.machines().list()).hasSize(1);
    }
}
