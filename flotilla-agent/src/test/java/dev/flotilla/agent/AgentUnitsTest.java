package dev.flotilla.agent;

import static dev.flotilla.agent.TestCluster.BOUND;
import static dev.flotilla.agent.TestCluster.SLEEP;
import static dev.flotilla.agent.TestCluster.alive;
import static dev.flotilla.agent.TestCluster.journal;
import static dev.flotilla.agent.TestCluster.pid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/** Two (or three) agents on one embedded store, real processes; the test places units as the engine would. */
class AgentUnitsTest {

    private TestCluster cluster;

    @BeforeEach
    void cluster(TestInfo info) {
        cluster = TestCluster.embedded(info.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void drain() {
        cluster.close();
    }

    @Test
    void placedUnitsRunOnTheirMachineWithItsFacts() throws Exception {
        Agent a = cluster.start("127.0.0.2");
        Agent b = cluster.start("127.0.0.3");
        String echo = "[Service]\nExecStart=/bin/sh -c 'echo ip=$COREOS_PUBLIC_IPV4; exec /bin/sleep 1000'\n";
        cluster.launch("web.service", SLEEP, a);
        cluster.launch("echo.service", echo, b);

        UnitStateRecord web = cluster.awaitState("web.service", a, "active/running");
        assertThat(web.loadState()).isEqualTo("loaded");
        assertThat(web.hash()).isEqualTo(ContentHash.of(SLEEP));
        assertThat(web.machineId()).isEqualTo(a.machineId());
        assertThat(alive(pid(web))).isTrue();
        UnitStateRecord echoed = cluster.awaitState("echo.service", b, "active/running");
        assertThat(echoed.hash()).isEqualTo(ContentHash.of(echo));
        await().atMost(BOUND).until(() -> journal(b, "echo.service").contains("ip=127.0.0.3"));

        assertThat(cluster.state("web.service", b)).isEmpty();
        assertThat(cluster.state("echo.service", a)).isEmpty();
        assertThat(a.unitStatus(new UnitName("echo.service"))).isEmpty();
        assertThat(cluster.registry.machines().get(a.machineId())).hasValueSatisfying(m -> {
            assertThat(m.publicIp()).isEqualTo("127.0.0.2");
            assertThat(m.hostname()).isEqualTo("host-127.0.0.2");
        });
        await().atMost(BOUND).until(() -> a.status().running() == 1 && a.status().units() == 1);
    }

    @Test
    void stopLeavesTheUnitLoadedAndStartRunsItAgain() throws Exception {
        Agent a = cluster.start("127.0.0.2");
        java.util.List<AgentEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        a.subscribe(events::add);
        cluster.launch("web.service", SLEEP, a);
        long first = pid(cluster.awaitState("web.service", a, "active/running"));
        await().atMost(BOUND).until(() -> a.unitsByActiveState().get("active") == 1);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(AgentEvent.Reconciled.class,
                r -> assertThat(r.failure()).isEmpty()));

        cluster.setState("web.service", DesiredState.LOADED);
        UnitStateRecord stopped = cluster.awaitState("web.service", a, "inactive/dead");
        await().atMost(BOUND).until(() -> a.unitsByActiveState().equals(Map.of("active", 0, "inactive", 1,
                "failed", 0, "activating", 0, "deactivating", 0)));
        assertThat(stopped.loadState()).isEqualTo("loaded");
        assertThat(stopped.mainPid()).isEmpty();
        assertThat(stopped.hash()).isEqualTo(ContentHash.of(SLEEP));
        await().atMost(BOUND).until(() -> !alive(first));

        cluster.setState("web.service", DesiredState.LAUNCHED);
        long second = pid(cluster.awaitState("web.service", a, "active/running"));
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void unitPlacedAsLoadedIsReportedLoadedWithoutRunning() throws Exception {
        Agent a = cluster.start("127.0.0.2");
        cluster.submit("db.service", SLEEP, DesiredState.LOADED);
        cluster.place("db.service", a);
        UnitStateRecord loaded = cluster.awaitState("db.service", a, "inactive/dead");
        assertThat(loaded.loadState()).isEqualTo("loaded");
        assertThat(a.unitStatus(new UnitName("db.service"))).hasValueSatisfying(s ->
                assertThat(s.stateName()).isEqualTo("inactive/dead"));
    }

    @Test
    void unloadAndDestroyEndTheProcessAndRemoveTheState() throws Exception {
        Agent a = cluster.start("127.0.0.2");
        cluster.launch("one.service", SLEEP, a);
        cluster.launch("two.service", SLEEP, a);
        long one = pid(cluster.awaitState("one.service", a, "active/running"));
        long two = pid(cluster.awaitState("two.service", a, "active/running"));

        cluster.setState("one.service", DesiredState.INACTIVE);
        await().atMost(BOUND).until(() -> !alive(one) && cluster.state("one.service", a).isEmpty()
                && a.unitStatus(new UnitName("one.service")).isEmpty());

        cluster.registry.units().destroy(new UnitName("two.service"));
        await().atMost(BOUND).until(() -> !alive(two) && a.unitStatus(new UnitName("two.service")).isEmpty());
        assertThat(cluster.state("two.service", a)).isEmpty();
        assertThat(cluster.registry.states().list()).isEmpty();
    }

    @Test
    void replaceRestartsTheUnitWithTheNewContents() throws Exception {
        Agent a = cluster.start("127.0.0.2");
        String v1 = "[Service]\nExecStart=/bin/sh -c 'echo contents-v1; exec /bin/sleep 1000'\n";
        String v2 = "[Service]\nExecStart=/bin/sh -c 'echo contents-v2; exec /bin/sleep 1000'\n";
        cluster.launch("web.service", v1, a);
        long first = pid(cluster.awaitState("web.service", a, "active/running"));

        cluster.replace("web.service", v2);
        await().atMost(BOUND).until(() -> cluster.state("web.service", a)
                .filter(s -> s.hash().equals(ContentHash.of(v2)) && TestCluster.stateName(s).equals("active/running"))
                .isPresent());
        long second = pid(cluster.state("web.service", a).orElseThrow());
        assertThat(second).isNotEqualTo(first);
        await().atMost(BOUND).until(() -> !alive(first) && journal(a, "web.service").contains("contents-v2"));
    }

    @Test
    void globalUnitsRunOnEveryMachineWhoseMetadataMatches() throws Exception {
        Agent web1 = cluster.start(cluster.config("127.0.0.2", Map.of("role", "web")));
        Agent web2 = cluster.start(cluster.config("127.0.0.3", Map.of("role", "web", "region", "us")));
        Agent db = cluster.start(cluster.config("127.0.0.4", Map.of("role", "db")));
        cluster.submit("mon-web.service", "[X-Fleet]\nGlobal=true\nMachineMetadata=role=web\n" + SLEEP,
                DesiredState.LAUNCHED);
        cluster.submit("mon-all.service", "[X-Fleet]\nGlobal=true\n" + SLEEP, DesiredState.LAUNCHED);
        cluster.launch("app.service", SLEEP, db);

        for (Agent agent : new Agent[] {web1, web2}) {
            cluster.awaitState("mon-web.service", agent, "active/running");
            cluster.awaitState("mon-all.service", agent, "active/running");
            await().atMost(BOUND).until(() -> agent.status().globalUnits() == 2 && agent.status().units() == 2);
        }
        cluster.awaitState("mon-all.service", db, "active/running");
        await().atMost(BOUND).until(() -> db.status().globalUnits() == 1 && db.status().units() == 2);
        assertThat(cluster.state("mon-web.service", db)).isEmpty();
        assertThat(cluster.registry.states().ofUnit(new UnitName("mon-web.service"))).hasSize(2);

        cluster.setState("mon-all.service", DesiredState.INACTIVE);
        await().atMost(BOUND).until(() -> cluster.registry.states().ofUnit(new UnitName("mon-all.service")).isEmpty()
                && db.status().globalUnits() == 0);
    }

    @Test
    void ofTwoConflictingGlobalUnitsOnlyTheFirstByNameRuns() throws Exception {
        Agent a = cluster.start("127.0.0.2");
        cluster.submit("mon-b.service", "[X-Fleet]\nGlobal=true\n" + SLEEP, DesiredState.LAUNCHED);
        cluster.submit("other.service", "[X-Fleet]\nGlobal=true\n" + SLEEP, DesiredState.LAUNCHED);
        long b = pid(cluster.awaitState("mon-b.service", a, "active/running"));
        cluster.awaitState("other.service", a, "active/running");

        // mon-a's glob names mon-b (mon-b names nothing): the conflict counts both ways, and mon-a comes first.
        cluster.submit("mon-a.service", "[X-Fleet]\nGlobal=true\nConflicts=mon-b.service\n" + SLEEP, DesiredState.LAUNCHED);
        cluster.awaitState("mon-a.service", a, "active/running");
        await().atMost(BOUND).until(() -> !alive(b) && cluster.state("mon-b.service", a).isEmpty()
                && a.status().globalUnits() == 2);
        assertThat(cluster.state("other.service", a)).hasValueSatisfying(s ->
                assertThat(TestCluster.stateName(s)).isEqualTo("active/running"));

        cluster.registry.units().destroy(new UnitName("mon-a.service"));
        cluster.awaitState("mon-b.service", a, "active/running");
    }

    @Test
    void idleAgentWritesNothingButKeepAlives() throws Exception {
        Agent a = cluster.start(cluster.config("127.0.0.2", Map.of()).withLeaseTtl(Duration.ofSeconds(2))
                .withResyncInterval(Duration.ofMillis(500)));
        cluster.launch("web.service", SLEEP, a);
        cluster.submit("db.service", SLEEP, DesiredState.LOADED);
        cluster.place("db.service", a);
        cluster.awaitState("web.service", a, "active/running");
        cluster.awaitState("db.service", a, "inactive/dead");

        long revision = cluster.revision();
        long lease = a.status().leaseId().orElseThrow();
        // Longer than the TTL: keep-alives (every 2/3 s) and resyncs (every 0.5 s) happened meanwhile.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> cluster.revision() == revision);
        assertThat(cluster.store.leaseTimeToLive(lease)).isPresent();
        assertThat(a.status().phase()).isEqualTo(AgentPhase.JOINED);
    }
}
