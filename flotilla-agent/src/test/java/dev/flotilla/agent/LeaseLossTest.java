package dev.flotilla.agent;

import static dev.flotilla.agent.TestCluster.BOUND;
import static dev.flotilla.agent.TestCluster.SLEEP;
import static dev.flotilla.agent.TestCluster.alive;
import static dev.flotilla.agent.TestCluster.pid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An agent whose lease is revoked behind its back fences its units, then rejoins and runs them again. */
class LeaseLossTest {

    private TestCluster cluster;

    @BeforeEach
    void cluster() {
        cluster = TestCluster.embedded("lease-loss");
    }

    @AfterEach
    void drain() {
        cluster.close();
    }

    @Test
    void revokedLeaseFencesUnitsThenTheAgentRejoinsOnANewLease() throws Exception {
        Agent agent = cluster.start("127.0.0.2");
        List<AgentEvent> events = new CopyOnWriteArrayList<>();
        agent.subscribe(events::add);
        cluster.launch("web.service", SLEEP, agent);
        long before = pid(cluster.awaitState("web.service", agent, "active/running"));
        long lease = agent.status().leaseId().orElseThrow();

        cluster.store.revokeLease(lease);

        await().atMost(BOUND).until(() -> events.stream().anyMatch(e -> e instanceof AgentEvent.Fenced f
                && f.leaseId().equals(java.util.OptionalLong.of(lease))));
        await().atMost(BOUND).until(() -> !alive(before));
        await().atMost(BOUND).until(() -> agent.status().phase() == AgentPhase.JOINED
                && agent.status().leaseId().orElse(lease) != lease);
        long after = pid(cluster.awaitState("web.service", agent, "active/running"));
        assertThat(after).isNotEqualTo(before);
        assertThat(agent.status().lastFence()).hasValueSatisfying(r -> assertThat(r).contains("gone"));
        assertThat(cluster.registry.machines().get(agent.machineId())).isPresent();
        assertThat(events).filteredOn(e -> e instanceof AgentEvent.Joined j && j.leaseId() != lease).hasSize(1);
    }
}
