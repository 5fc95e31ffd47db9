package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitName;

/** Restart= policies, RestartSec= with back-off, and the start limit. */
class RestartTest extends ExecTestSupport {

    @Test
    void onFailureRestartsAfterRestartSecAndCountsRestarts() throws Exception {
        Path flag = work.resolve("second-run");
        start("flaky.service", """
                [Service]
                Restart=on-failure
                RestartSec=300ms
                ExecStart=/bin/sh -c 'echo run; if [ -e %s ]; then exec sleep 1000; fi; touch %s; exit 1'
                """.formatted(flag, flag));

        await().atMost(BOUND).until(() -> status("flaky.service").isRunning() && status("flaky.service").restarts() == 1);
        assertThat(states("flaky.service")).contains("activating/auto-restart");
        List<JournalEntry> runs = runtime.journal(UnitName.parse("flaky.service"), 1000).stream()
                .filter(e -> e.message().equals("run")).toList();
        assertThat(runs).hasSize(2);
        assertThat(Duration.between(runs.get(0).time(), runs.get(1).time())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void crashLoopShowsAutoRestartThenFailsAtTheStartLimit() throws Exception {
        start("crashy.service", """
                [Unit]
                StartLimitBurst=3
                StartLimitIntervalSec=30s
                [Service]
                Restart=always
                RestartSec=50ms
                ExecStart=/bin/sh -c 'echo crashing; exit 7'
                """);

        UnitStatus s = awaitState("crashy.service", "failed/failed");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("start request repeated too quickly")
                .contains("StartLimitBurst=3"));
        assertThat(s.restarts()).as("the third restart is refused by the limit").isEqualTo(3);
        assertThat(events).filteredOn(e -> e.sub().systemdName().equals("auto-restart")).first()
                .satisfies(e -> assertThat(e.reason()).hasValueSatisfying(r -> assertThat(r)
                        .startsWith("restarting in 50ms (Restart=always) after: ExecStart=/bin/sh -c echo crashing; exit 7 "
                                + "exited with status 7")));
        assertThat(journal("crashy.service")).contains("Scheduled restart in 100ms, restart counter is at 2.");
    }

    @Test
    void alwaysRestartsAfterACleanExit() throws Exception {
        Path flag = work.resolve("ran-once");
        start("again.service", """
                [Service]
                Restart=always
                RestartSec=10ms
                ExecStart=/bin/sh -c 'if [ -e %s ]; then exec sleep 1000; fi; touch %s'
                """.formatted(flag, flag));
        await().atMost(BOUND).until(() -> status("again.service").isRunning() && status("again.service").restarts() == 1);
    }

    @Test
    void onSuccessDoesNotRestartAFailure() throws Exception {
        start("picky.service", "[Service]\nRestart=on-success\nRestartSec=10ms\nExecStart=/bin/sh -c 'exit 2'\n");
        UnitStatus s = awaitState("picky.service", "failed/failed");
        assertThat(s.restarts()).isZero();
        assertThat(s.reason()).contains("ExecStart=/bin/sh -c exit 2 exited with status 2");
    }

    @Test
    void anExplicitStopIsNeverFollowedByARestart() throws Exception {
        start("steady.service", "[Service]\nRestart=always\nRestartSec=10ms\nExecStart=/bin/sleep 1000\n");
        UnitStatus s = stop("steady.service");
        assertThat(s.stateName()).isEqualTo("inactive/dead");
        assertThat(runtime.status(UnitName.parse("steady.service")).orElseThrow().restarts()).isZero();
        assertThat(states("steady.service").getLast()).isEqualTo("inactive/dead");
    }

    @Test
    void stopDuringTheRestartDelayEndsTheUnit() throws Exception {
        start("waiting.service", "[Service]\nRestart=always\nRestartSec=1h\nExecStart=/bin/false\n");
        awaitState("waiting.service", "activating/auto-restart");
        assertThat(stop("waiting.service").stateName()).isEqualTo("inactive/dead");
    }

    @Test
    void anExplicitStartResetsTheStartLimit() throws Exception {
        Path allow = work.resolve("allow");
        String text = """
                [Unit]
                StartLimitBurst=2
                [Service]
                Restart=always
                RestartSec=10ms
                ExecStart=/bin/sh -c 'if [ -e %s ]; then exec sleep 1000; fi; exit 1'
                """.formatted(allow);
        start("limited.service", text);
        awaitState("limited.service", "failed/failed");
        Files.createFile(allow);

        UnitStatus s = start("limited.service", text);
        assertThat(s.stateName()).isEqualTo("active/running");
        assertThat(s.restarts()).isZero();
    }
}
