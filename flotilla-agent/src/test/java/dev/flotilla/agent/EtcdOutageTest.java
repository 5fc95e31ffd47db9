package dev.flotilla.agent;

import static dev.flotilla.agent.TestCluster.BOUND;
import static dev.flotilla.agent.TestCluster.SLEEP;
import static dev.flotilla.agent.TestCluster.alive;
import static dev.flotilla.agent.TestCluster.pid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.flotilla.store.ConnectionState;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import dev.flotilla.testkit.EtcdServer;

/**
 * A real etcd killed under a joined agent: a short outage changes nothing, a long one fences. The agents have a 5 s
 * lease (the default is 3 s): restarting etcd on a loaded test machine takes a second or two, and "back in time"
 * must mean back within the tolerance however long the last keep-alive was before the kill.
 */
class EtcdOutageTest {

    private static final Duration TTL = Duration.ofSeconds(5);

    private static EtcdServer etcd;
    private static EtcdKvStore store;
    private TestCluster cluster;
    private final List<AgentEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void etcd() throws StoreException {
        etcd = EtcdServer.startNew();
        store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()));
    }

    @AfterAll
    static void stopEtcd() {
        store.close();
        etcd.close();
    }

    @BeforeEach
    void cluster(TestInfo info) {
        cluster = TestCluster.on(store, info.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void drain() {
        if (!etcd.isRunning()) {
            etcd.start();
        }
        cluster.close();
    }

    @Test
    void unitsKeepRunningWhileSuspendedAndNothingRestartsWhenEtcdIsBackInTime() throws Exception {
        Agent agent = cluster.start(cluster.config("127.0.0.2", Map.of()).withLeaseTtl(TTL));
        agent.subscribe(events::add);
        cluster.launch("web.service", SLEEP, agent);
        long pid = pid(cluster.awaitState("web.service", agent, "active/running"));
        long lease = agent.status().leaseId().orElseThrow();

        etcd.kill();
        await().atMost(BOUND).until(() -> agent.status().connection() == ConnectionState.SUSPENDED);
        assertThat(alive(pid)).isTrue();
        assertThat(agent.status().phase()).isEqualTo(AgentPhase.JOINED);

        etcd.start();
        await().atMost(BOUND).until(() -> agent.status().connection() == ConnectionState.CONNECTED);
        assertThat(agent.status().phase()).isEqualTo(AgentPhase.JOINED);
        assertThat(agent.status().leaseId()).hasValue(lease);
        assertThat(pid(cluster.state("web.service", agent).orElseThrow())).isEqualTo(pid);
        assertThat(alive(pid)).isTrue();
        assertThat(events).noneMatch(e -> e instanceof AgentEvent.Fenced);
    }

    @Test
    void outageLongerThanTheLeaseFencesUnitsAndTheAgentRejoinsWhenEtcdIsBack() throws Exception {
        Agent agent = cluster.start(cluster.config("127.0.0.2", Map.of()).withLeaseTtl(TTL));
        agent.subscribe(events::add);
        cluster.launch("web.service", SLEEP, agent);
        long before = pid(cluster.awaitState("web.service", agent, "active/running"));

        etcd.kill();
        await().atMost(BOUND).until(() -> agent.status().phase() == AgentPhase.FENCED);
        await().atMost(BOUND).until(() -> !alive(before));
        assertThat(events).anyMatch(e -> e instanceof AgentEvent.Fenced);

        etcd.start();
        await().atMost(BOUND).until(() -> agent.status().phase() == AgentPhase.JOINED);
        long after = pid(cluster.awaitState("web.service", agent, "active/running"));
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void agentStartingWhileEtcdIsDownFencesAdoptedUnitsAfterOneTtlThenJoinsWhenEtcdIsBack() throws Exception {
        AgentConfig config = cluster.config("127.0.0.2", Map.of()).withLeaseTtl(TTL);
        Agent first = cluster.start(config);
        cluster.launch("web.service", SLEEP, first);
        long before = pid(cluster.awaitState("web.service", first, "active/running"));
        first.close();

        etcd.kill();
        Agent second = cluster.startWithoutJoining(config);
        assertThat(second.status().phase()).isIn(AgentPhase.STARTING, AgentPhase.FENCED);
        await().atMost(BOUND).until(() -> second.status().phase() == AgentPhase.FENCED);
        await().atMost(BOUND).until(() -> !alive(before));
        assertThat(second.status().lastFence()).hasValueSatisfying(r -> assertThat(r).contains("could not join"));

        etcd.start();
        assertThat(second.awaitJoined(BOUND)).isTrue();
        assertThat(second.machineId()).isEqualTo(first.machineId());
        long after = pid(cluster.awaitState("web.service", second, "active/running"));
        assertThat(after).isNotEqualTo(before);
    }
}
