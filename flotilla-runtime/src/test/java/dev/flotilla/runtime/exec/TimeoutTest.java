package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.ProcTestSupport;
import dev.flotilla.runtime.UnitStatus;

/** TimeoutStartSec=, TimeoutStopSec= with SIGKILL escalation, and KillSignal=. */
class TimeoutTest extends ExecTestSupport {

    @Test
    void timeoutStartSecKillsAHungStart() throws Exception {
        Path pid = work.resolve("pre.pid");
        UnitStatus s = start("hung.service", """
                [Service]
                TimeoutStartSec=300ms
                ExecStartPre=/bin/sh -c 'echo $$$$ > %s; exec sleep 1000'
                ExecStart=/bin/echo never
                """.formatted(pid));

        assertThat(s.stateName()).isEqualTo("failed/failed");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("start timed out after 300ms "
                + "(TimeoutStartSec) while ExecStartPre=/bin/sh -c echo"));
        assertThat(ProcTestSupport.alive(Long.parseLong(Files.readString(pid).strip()))).isFalse();
    }

    @Test
    void timeoutStopSecEscalatesToSigkill() throws Exception {
        long main = start("stubborn.service", """
                [Service]
                TimeoutStopSec=300ms
                ExecStart=/bin/sh -c 'trap "" TERM; echo ready; while true; do sleep 0.05; done'
                """).mainPid().getAsLong();
        awaitJournal("stubborn.service", "ready");
        var tree = ProcTestSupport.tree(main);
        Instant before = Instant.now();

        UnitStatus s = stop("stubborn.service");

        assertThat(Duration.between(before, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(s.stateName()).isEqualTo("failed/failed");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("stop timed out after 300ms")
                .contains("killed with SIGKILL"));
        assertThat(states("stubborn.service")).containsSubsequence("deactivating/stop-sigterm", "deactivating/stop-sigkill");
        assertThat(tree).noneMatch(ProcTestSupport::alive);
    }

    @Test
    void aStopRightAfterTheStartIsNeverLost() throws Exception {
        String text = """
                [Service]
                TimeoutStopSec=10s
                ExecStart=/bin/sh -c 'while true; do sleep 0.05; done'
                """;
        for (int i = 0; i < 10; i++) {
            startAsync("racy.service", text);
            UnitStatus s = stop("racy.service");
            assertThat(s.stateName()).as("stop %d, even while the command is still being exec'd", i)
                    .isEqualTo("inactive/dead");
        }
    }

    @Test
    void killSignalReplacesSigterm() throws Exception {
        start("polite.service", """
                [Service]
                KillSignal=SIGINT
                ExecStart=/bin/bash -c 'trap "echo got-INT; exit 0" INT; echo ready; while true; do sleep 0.05; done'
                """);
        awaitJournal("polite.service", "ready");

        UnitStatus s = stop("polite.service");

        assertThat(s.stateName()).isEqualTo("inactive/dead");
        await().atMost(BOUND).until(() -> journal("polite.service").contains("got-INT"));
    }
}
