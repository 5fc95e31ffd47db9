package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.UnitStatus;
import dev.flotilla.daemon.DevCluster;
import dev.flotilla.daemon.MachineDaemon;
import dev.flotilla.testkit.WorkDirs;

/**
 * Issue 3: status and journal of a unit running on machine 2, asked through machine 1's API with
 * {@link FleetClient}; three real machines in one process, real processes, real HTTP between the agents.
 */
class DiagnosticsAnyMachineTest {

    private static DevCluster cluster;
    private static FleetClient first;

    @BeforeAll
    static void start() throws Exception {
        cluster = DevCluster.start(3, WorkDirs.create("diagnostics-any-machine"), 0);
        assertThat(cluster.awaitJoined(Duration.ofSeconds(20))).as("all three machines join").isTrue();
        first = new FleetClient(cluster.machines().getFirst().apiUrl(), Duration.ofSeconds(10));
        PinnedUnits.launch(first, "pinned.service", PinnedUnits.sevenLines("Pinned to two", 2));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void statusThroughMachineOneShowsTheStateMainPidAndOutputOfMachineTwosUnit() throws Exception {
        MachineDaemon second = cluster.machines().get(1);
        await().atMost(PinnedUnits.START).ignoreExceptions().until(() -> {
            UnitStatus s = first.status("pinned.service");
            return "running".equals(s.systemdSubState())
                    && s.recentLines().stream().anyMatch(e -> "line 7".equals(e.message()));
        });
        UnitStatus status = first.status("pinned.service");
        assertThat(status.machineID()).isEqualTo(second.machineId().value());
        assertThat(status.systemdActiveState()).isEqualTo("active");
        assertThat(status.mainPID()).isNotNull().isPositive();
        assertThat(ProcessHandle.of(status.mainPID())).as("the main PID is a live process").isPresent();
        assertThat(status.since()).isNotNull();
    }

    @Test
    void journalThroughMachineOneHasTheLastLinesOfMachineTwosUnit() throws Exception {
        await().atMost(PinnedUnits.START).ignoreExceptions()
                .until(() -> first.journal("pinned.service", 100).stream().anyMatch(e -> "line 7".equals(e.message())));
        List<JournalEntry> last = first.journal("pinned.service", 3);
        assertThat(last).hasSize(3);
        // The agent's own "Started" line may come after the output it raced with.
        assertThat(first.journal("pinned.service", 10)).extracting(JournalEntry::message)
                .containsSubsequence("line 5", "line 6", "line 7").contains("Started pinned.service.");
        assertThat(last).allSatisfy(e -> assertThat(e.machineID()).isEqualTo(cluster.machines().get(1).machineId().value()));
        // Every machine answers the same, the runner included.
        try (FleetClient third = new FleetClient(cluster.machines().get(2).apiUrl(), Duration.ofSeconds(10));
             FleetClient runner = new FleetClient(cluster.machines().get(1).apiUrl(), Duration.ofSeconds(10))) {
            assertThat(third.journal("pinned.service", 3)).isEqualTo(last);
            assertThat(runner.journal("pinned.service", 3)).isEqualTo(last);
        }
    }

    @Test
    void anUnknownUnitIs404() {
        assertThatThrownBy(() -> first.status("nope.service")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(404)).hasMessageContaining("nope.service does not exist");
        assertThatThrownBy(() -> first.journal("nope.service", 5)).isInstanceOf(ApiException.class);
    }
}
