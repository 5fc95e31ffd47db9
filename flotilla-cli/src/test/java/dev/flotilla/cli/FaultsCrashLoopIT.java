package dev.flotilla.cli;

import static dev.flotilla.cli.AgentProcessCluster.PATIENCE;
import static dev.flotilla.cli.AgentProcessCluster.ok;
import static dev.flotilla.cli.AgentProcessCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.UnitState;

/**
 * A unit whose process keeps crashing, as users see it through the CLI: {@code Restart=} with back-off shows as
 * {@code activating auto-restart} in {@code list-units} while it waits, with the reason (the delay, the policy and
 * what ended the last run) in {@code status}; once the start limit is hit it is {@code failed failed}, and
 * {@code status} says why. docs/faults.md.
 */
class FaultsCrashLoopIT {

    private static AgentProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = AgentProcessCluster.start("faults-crash-loop", "127.0.16", Duration.ofSeconds(5),
                AgentSpec.named("a"), AgentSpec.named("b"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aCrashingUnitIsRestartedWithBackOffThenFailsAtItsStartLimitAndTheCliSaysSo() {
        String marker = cluster.newMarker();
        // Three starts within 2 min at most; waits of 5 s, then 10 s (doubled, capped): about 15 s in all.
        cluster.unitFile("crash.service", """
                [Unit]
                StartLimitBurst=3
                StartLimitIntervalSec=120s

                [Service]
                ExecStart=/bin/sh -c 'echo "crashing %s"; exit 1'
                Restart=always
                RestartSec=5s
                RestartMaxDelaySec=10s
                """.formatted(marker));
        ok(cluster.cli("start", "--no-block", "crash.service"));

        await("list-units shows the unit waiting to restart").atMost(PATIENCE).until(() -> {
            List<List<String>> rows = rows(cluster.cli("list-units", "--no-legend"));
            return rows.size() == 1 && rows.getFirst().subList(2, 4).equals(List.of("activating", "auto-restart"));
        });
        String[] waiting = new String[1];
        await("status says why it waits").atMost(PATIENCE).until(() -> {
            waiting[0] = ok(cluster.cli("status", "crash.service")).out();
            return waiting[0].contains("Active: activating (auto-restart)");
        });
        assertThat(waiting[0]).containsPattern("Reason: restarting in (5s|10s) \\(Restart=always\\) after: "
                + "ExecStart=/bin/sh -c .* exited with status 1");
        assertThat(waiting[0]).contains("crashing " + marker, "Last exit: status=1");

        await("the start limit fails the unit").atMost(PATIENCE).ignoreExceptions().until(() -> {
            List<UnitState> states = cluster.api().states(null, "crash.service");
            return states.size() == 1 && "failed".equals(states.getFirst().systemdActiveState());
        });
        List<List<String>> rows = rows(cluster.cli("list-units", "--no-legend"));
        assertThat(rows).singleElement().satisfies(r -> assertThat(r.subList(2, 4)).isEqualTo(List.of("failed", "failed")));
        String failed = ok(cluster.cli("status", "crash.service")).out();
        assertThat(failed).contains("Active: failed (failed)",
                "Reason: start request repeated too quickly: 3 starts within 2min (StartLimitBurst=3, "
                        + "StartLimitIntervalSec=2min); start it again to reset",
                "Restarts: 3 (Restart=, since the last start)", "Last exit: status=1");
        String journal = ok(cluster.cli("journal", "--lines", "100", "crash.service")).out();
        assertThat(journal.lines().filter(l -> l.endsWith("crashing " + marker))).as(journal).hasSize(3);
        assertThat(journal).contains("Scheduled restart in 5s, restart counter is at 1.",
                "Scheduled restart in 10s, restart counter is at 2.");
    }
}
