package dev.flotilla.agent;

import static dev.flotilla.agent.TestCluster.BOUND;
import static dev.flotilla.agent.TestCluster.SLEEP;
import static dev.flotilla.agent.TestCluster.alive;
import static dev.flotilla.agent.TestCluster.pid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.Heartbeat;
import dev.flotilla.unit.UnitName;

/**
 * The dead man's switch: the agent's heartbeat file and its runtimes' fencing watchdogs. An agent
 * that stops renewing (closed here, as a kill -9 would leave it) has its units stopped once its
 * lease may expire; one restarted in time adopts them and the watchdog untouched; one that kept
 * running while its heartbeat ran out (hung) fences and rejoins when it notices; a drain ends the
 * watchdog.
 */
class FencingWatchdogTest {

    private static final Duration TTL = Duration.ofSeconds(2);
    private TestCluster cluster;

    @BeforeEach
    void cluster() {
        cluster = TestCluster.embedded("watchdog");
    }

    @AfterEach
    void drain() {
        cluster.close();
    }

    private AgentConfig config() {
        return cluster.config("127.0.0.2", Map.of()).withLeaseTtl(TTL);
    }

    private static Path heartbeat(AgentConfig config) {
        return config.dataDir().resolve(Heartbeat.FILE);
    }

    /** The PID of the exec runtime's watchdog, as its PID file names it. */
    private static long watchdog(AgentConfig config) throws Exception {
        String line = Files.readString(config.dataDir().resolve("exec").resolve(".watchdog.pid"));
        return Long.parseLong(line.substring(0, line.indexOf(':')));
    }

    @Test
    void aJoinedAgentKeepsItsHeartbeatAheadOfTheLeaseAndItsWatchdogRuns() throws Exception {
        AgentConfig config = config();
        Agent agent = cluster.start(config);
        cluster.launch("web.service", SLEEP, agent);
        long pid = pid(cluster.awaitState("web.service", agent, "active/running"));
        await().atMost(BOUND).until(() -> alive(watchdog(config)));

        double first = Heartbeat.read(heartbeat(config)).orElseThrow().heldUntil();
        await().atMost(BOUND).until(() -> Heartbeat.read(heartbeat(config)).orElseThrow().heldUntil() > first);
        Heartbeat now = Heartbeat.read(heartbeat(config)).orElseThrow();
        assertThat(now.heldFor()).as("held for at most one TTL").isLessThanOrEqualTo(TTL);
        assertThat(now.fenceAt()).as("the watchdog fences before the lease may expire").isLessThan(now.heldUntil());
        assertThat(alive(pid)).isTrue();
    }

    @Test
    void anAgentThatStopsRenewingHasItsUnitsStoppedAndTheNextAgentRunsThemAgain() throws Exception {
        AgentConfig config = config();
        Agent first = cluster.start(config);
        cluster.launch("web.service", SLEEP, first);
        long before = pid(cluster.awaitState("web.service", first, "active/running"));

        first.close(); // no agent renews the lease any more, as after a kill -9
        double heldUntil = Heartbeat.read(heartbeat(config)).orElseThrow().heldUntil();
        await().atMost(BOUND).until(() -> !alive(before));
        assertThat(Heartbeat.now()).as("stopped once the heartbeat ran out, not before")
                .isGreaterThanOrEqualTo(Heartbeat.read(heartbeat(config)).orElseThrow().fenceAt());
        assertThat(Heartbeat.read(heartbeat(config)).orElseThrow().heldUntil()).isEqualTo(heldUntil);
        assertThat(Files.exists(Heartbeat.fencedMarker(heartbeat(config)))).isTrue();

        Agent second = cluster.start(config);
        // Adopting the fenced unit, the new agent may first publish its old run's state (its main process gone),
        // then runs it again: wait for the new run's main process.
        await().atMost(BOUND).until(() -> cluster.state("web.service", second)
                .filter(s -> TestCluster.stateName(s).equals("active/running") && s.mainPid().isPresent()
                        && s.mainPid().getAsLong() != before)
                .isPresent());
        long after = pid(cluster.state("web.service", second).orElseThrow());
        assertThat(alive(after)).isTrue();
        assertThat(TestCluster.journal(second, "web.service")).contains("fenced by the watchdog at");
        await().atMost(BOUND).until(() -> !Files.exists(Heartbeat.fencedMarker(heartbeat(config))));
        await().atMost(BOUND).until(() -> alive(watchdog(config)));
    }

    @Test
    void anAgentRestartedInTimeAdoptsTheUnitsAndTheWatchdog() throws Exception {
        AgentConfig config = cluster.config("127.0.0.2", Map.of()).withLeaseTtl(Duration.ofSeconds(10));
        Agent first = cluster.start(config);
        cluster.launch("web.service", SLEEP, first);
        long pid = pid(cluster.awaitState("web.service", first, "active/running"));
        long watchdog = watchdog(config);

        first.close();
        Agent second = cluster.start(config);
        cluster.awaitState("web.service", second, "active/running");
        assertThat(pid(cluster.state("web.service", second).orElseThrow())).isEqualTo(pid);
        assertThat(watchdog(config)).as("the same watchdog").isEqualTo(watchdog);
        assertThat(alive(watchdog)).isTrue();
        assertThat(second.status().lastFence()).isEmpty();
    }

    @Test
    void anAgentWhoseHeartbeatRanOutWhileItRanFencesItselfAndRejoins() throws Exception {
        AgentConfig config = config();
        Agent agent = cluster.start(config);
        cluster.launch("web.service", SLEEP, agent);
        long before = pid(cluster.awaitState("web.service", agent, "active/running"));

        // as if the agent had been frozen past its deadline: the watchdog fences behind its back (the
        // stale heartbeat is written again until then, since the running agent renews it)
        await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (alive(before)) {
                Heartbeat.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofMillis(50), Duration.ofSeconds(10))
                        .write(heartbeat(config));
            }
            return !alive(before);
        });
        await().atMost(BOUND).until(() -> agent.status().lastFence().filter(r -> r.contains("watchdog")).isPresent());
        long after = pid(cluster.awaitState("web.service", agent, "active/running"));
        assertThat(after).isNotEqualTo(before);
        assertThat(agent.unitStatus(new UnitName("web.service")).orElseThrow().reason()).isEmpty();
    }

    @Test
    void aDrainStopsTheUnitsAndEndsTheWatchdog() throws Exception {
        AgentConfig config = config();
        Agent agent = cluster.start(config);
        cluster.launch("web.service", SLEEP, agent);
        long pid = pid(cluster.awaitState("web.service", agent, "active/running"));
        long watchdog = watchdog(config);

        agent.drainAndClose(BOUND);
        assertThat(alive(pid)).isFalse();
        await().atMost(BOUND).until(() -> !alive(watchdog));
        assertThat(Files.exists(Heartbeat.fencedMarker(heartbeat(config)))).as("nothing was left to fence").isFalse();
    }
}
