package dev.flotilla.agent;

import static dev.flotilla.agent.TestCluster.BOUND;
import static dev.flotilla.agent.TestCluster.SLEEP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitName;

/** [Unit] Requires/BindsTo/After between units of one machine, with real processes. */
class DependencyOrderTest {

    private TestCluster cluster;
    private Agent agent;

    @BeforeEach
    void cluster(TestInfo info) throws Exception {
        cluster = TestCluster.embedded(info.getTestMethod().orElseThrow().getName());
        agent = cluster.start("127.0.0.2");
    }

    @AfterEach
    void drain() {
        cluster.close();
    }

    @Test
    void afterStartsTheUnitOnlyOnceItsDependencyIsActive() throws Exception {
        List<UnitStatus> changes = new CopyOnWriteArrayList<>();
        agent.subscribeUnitStates(changes::add);
        // As fleetctl does: submit every unit first, then place them (here the dependent one first).
        cluster.submit("app.service", "[Unit]\nRequires=db.service\nAfter=db.service\n" + SLEEP,
                DesiredState.LAUNCHED);
        cluster.submit("db.service", "[Service]\nExecStartPre=/bin/sleep 0.5\nExecStart=/bin/sleep 1000\n",
                DesiredState.LAUNCHED);
        cluster.place("app.service", agent);
        cluster.place("db.service", agent);

        cluster.awaitState("db.service", agent, "activating/start-pre");
        assertThat(cluster.state("app.service", agent)).hasValueSatisfying(s -> {
            assertThat(TestCluster.stateName(s)).isEqualTo("inactive/dead");
            assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("waiting for db.service"));
        });
        cluster.awaitState("app.service", agent, "active/running");

        Instant dbActive = firstSince(changes, "db.service", ActiveState.ACTIVE);
        Instant appActivating = firstSince(changes, "app.service", ActiveState.ACTIVATING);
        assertThat(appActivating).isAfterOrEqualTo(dbActive);
        assertThat(cluster.state("app.service", agent).orElseThrow().reason()).isEmpty();
    }

    @Test
    void requiresWaitsForAClusterUnitButIgnoresHostUnits() throws Exception {
        cluster.submit("cache.service", SLEEP, DesiredState.LOADED);
        cluster.place("cache.service", agent);
        cluster.launch("app.service", "[Unit]\nRequires=cache.service\n" + SLEEP, agent);
        cluster.launch("db.service", "[Unit]\nRequires=etcd.service\nAfter=etcd.service\n" + SLEEP, agent);

        cluster.awaitState("db.service", agent, "active/running");
        await().atMost(BOUND).until(() -> cluster.state("app.service", agent).flatMap(s -> s.reason()).orElse(""),
                r -> r.contains("cache.service is loaded but not started"));

        cluster.setState("cache.service", DesiredState.LAUNCHED);
        cluster.awaitState("cache.service", agent, "active/running");
        cluster.awaitState("app.service", agent, "active/running");
    }

    @Test
    void bindsToStopsTheUnitWithItsPeerAndStartsItAgainWithIt() throws Exception {
        cluster.launch("web.service", SLEEP, agent);
        cluster.launch("side.service", "[Unit]\nBindsTo=web.service\nAfter=web.service\n" + SLEEP, agent);
        long first = TestCluster.pid(cluster.awaitState("side.service", agent, "active/running"));

        cluster.setState("web.service", DesiredState.LOADED);
        cluster.awaitState("web.service", agent, "inactive/dead");
        await().atMost(BOUND).until(() -> cluster.state("side.service", agent)
                .filter(s -> TestCluster.stateName(s).equals("inactive/dead")).flatMap(s -> s.reason()).orElse(""),
                r -> r.contains("BindsTo=web.service"));
        assertThat(TestCluster.alive(first)).isFalse();

        cluster.setState("web.service", DesiredState.LAUNCHED);
        long second = TestCluster.pid(cluster.awaitState("side.service", agent, "active/running"));
        assertThat(second).isNotEqualTo(first);
    }

    private static Instant firstSince(List<UnitStatus> changes, String unit, ActiveState state) {
        UnitName name = new UnitName(unit);
        return changes.stream().filter(s -> s.unit().equals(name) && s.active() == state).map(UnitStatus::since)
                .min(Instant::compareTo).orElseThrow(() -> new AssertionError(unit + " never " + state + ": " + changes));
    }
}
