package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.ProcTestSupport;
import dev.flotilla.runtime.UnitStatus;

/** KillMode=process leaves the main process's children; mixed kills them with SIGKILL after the main process. */
class KillModeTest extends ExecTestSupport {

    private static String unit(String mode, Path childPid) {
        return """
                [Service]
                KillMode=%s
                ExecStart=/bin/bash -c 'sh -c "trap \\"\\" TERM; while true; do sleep 0.05; done" & echo $$! > %s; exec sleep 1000'
                """.formatted(mode, childPid);
    }

    @Test
    void processModeStopsOnlyTheMainProcess() throws Exception {
        Path childPid = work.resolve("child.pid");
        long main = start("solo.service", unit("process", childPid)).mainPid().getAsLong();
        await().atMost(BOUND).until(() -> Files.exists(childPid) && !Files.readString(childPid).isBlank());
        long child = Long.parseLong(Files.readString(childPid).strip());
        try {
            UnitStatus s = stop("solo.service");

            assertThat(s.stateName()).isEqualTo("inactive/dead");
            assertThat(ProcTestSupport.alive(main)).isFalse();
            assertThat(ProcTestSupport.alive(child)).as("KillMode=process leaves the rest").isTrue();
        } finally {
            ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void mixedModeSendsTheKillSignalToTheMainProcessAndSigkillToTheRest() throws Exception {
        Path childPid = work.resolve("child.pid");
        long main = start("mixed.service", unit("mixed", childPid)).mainPid().getAsLong();
        await().atMost(BOUND).until(() -> Files.exists(childPid) && !Files.readString(childPid).isBlank());
        long child = Long.parseLong(Files.readString(childPid).strip());

        UnitStatus s = stop("mixed.service");

        assertThat(s.stateName()).isEqualTo("inactive/dead");
        assertThat(ProcTestSupport.alive(main)).isFalse();
        assertThat(ProcTestSupport.alive(child)).as("the child ignoring SIGTERM got SIGKILL").isFalse();
        assertThat(states("mixed.service")).contains("deactivating/stop-sigterm", "deactivating/stop-sigkill");
    }
}
