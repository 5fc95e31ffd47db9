package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.ProcTestSupport;
import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.UnitStatus;

/** Type=simple, oneshot and forking, with and without RemainAfterExit=. */
class ServiceTypesTest extends ExecTestSupport {

    @Test
    void oneshotRunsEveryExecStartInOrderThenIsInactive() throws Exception {
        UnitStatus s = start("once.service", """
                [Service]
                Type=oneshot
                ExecStart=/bin/echo first
                ExecStart=/bin/echo second
                """);

        assertThat(s.stateName()).isEqualTo("inactive/dead");
        assertThat(journal("once.service")).containsSubsequence("first", "second");
        assertThat(states("once.service")).contains("activating/start").endsWith("inactive/dead");
    }

    @Test
    void oneshotWithRemainAfterExitStaysActiveExitedUntilStopped() throws Exception {
        UnitStatus s = start("setup.service", """
                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=/bin/echo configured
                ExecStop=/bin/echo unconfigured
                """);

        assertThat(s.stateName()).isEqualTo("active/exited");
        assertThat(stop("setup.service").stateName()).isEqualTo("inactive/dead");
        assertThat(journal("setup.service")).containsSubsequence("configured", "unconfigured");
    }

    @Test
    void simpleThatExitsCleanlyIsInactiveOrExitedWithRemainAfterExit() throws Exception {
        start("brief.service", "[Service]\nExecStart=/bin/true\n");
        start("stays.service", "[Service]\nRemainAfterExit=yes\nExecStart=/bin/true\n");

        assertThat(awaitState("brief.service", "inactive/dead").lastExit()).contains(new ProcessExit.Exited(0));
        assertThat(awaitState("stays.service", "active/exited").mainPid()).isEmpty();
    }

    @Test
    void forkingTakesTheProcessLeftBehindAsMainProcess() throws Exception {
        UnitStatus s = start("daemon.service", """
                [Service]
                Type=forking
                ExecStart=/bin/sh -c 'sleep 1000 & echo forked'
                """);

        assertThat(s.stateName()).isEqualTo("active/running");
        long main = s.mainPid().getAsLong();
        assertThat(Files.readString(Path.of("/proc", Long.toString(main), "comm")).strip()).isEqualTo("sleep");

        stop("daemon.service");
        assertThat(ProcTestSupport.alive(main)).isFalse();
    }

    @Test
    void forkingReadsPidFile() throws Exception {
        Path pidFile = work.resolve("daemon.pid");
        UnitStatus s = start("pidfile.service", """
                [Service]
                Type=forking
                PIDFile=%s
                ExecStart=/bin/sh -c 'sleep 1001 & sleep 1000 & echo $! > %s'
                """.formatted(pidFile, pidFile));

        assertThat(s.mainPid()).hasValue(Long.parseLong(Files.readString(pidFile).strip()));
    }

    @Test
    void forkingDaemonExitStatusIsCollected() throws Exception {
        Path trigger = work.resolve("trigger");
        start("exits.service", """
                [Service]
                Type=forking
                ExecStart=/bin/sh -c '(while [ ! -e %s ]; do sleep 0.05; done; exit 4) &'
                """.formatted(trigger));
        Files.createFile(trigger);

        UnitStatus s = awaitState("exits.service", "failed/failed");
        assertThat(s.lastExit()).contains(new ProcessExit.Exited(4));
    }

    @Test
    void mainProcessExitIsNoticedPromptly() throws Exception {
        Path trigger = work.resolve("trigger");
        start("quick.service", """
                [Service]
                ExecStart=/bin/sh -c 'while [ ! -e %s ]; do sleep 0.02; done; kill -USR1 $$$$'
                """.formatted(trigger));
        Files.createFile(trigger);
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> status("quick.service").isSettled());
        assertThat(status("quick.service").lastExit()).contains(new ProcessExit.Killed(10, "USR1", false));
        assertThat(status("quick.service").reason()).hasValueSatisfying(r -> assertThat(r).endsWith(
                "was killed by signal USR1"));
    }
}
