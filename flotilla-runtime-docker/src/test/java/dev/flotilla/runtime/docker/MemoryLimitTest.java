package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.LimitReport;
import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitDefinition;

/**
 * The tutorial's {@code docker run -m 256m loadme stress --vm 1 --vm-bytes 500M}: the hog is killed by the
 * kernel's OOM killer inside its 256 MiB, and the unit's state says so.
 */
class MemoryLimitTest extends DockerTestSupport {

    @Test
    void aHogOverItsMemoryLimitIsKilledAndTheStateSaysOutOfMemory() throws Exception {
        UnitDefinition hog = unit("loadme-" + id + ".container", """
                [Container]
                Image=%s
                Memory=256m
                Exec=/bin/sh -c 'echo "dispatching hogs: 1 vm"; dd if=/dev/zero of=/dev/null bs=500M count=1 && echo survived'
                """.formatted(image));

        start(hog);
        UnitStatus s = awaitStatus(hog.name(), UnitStatus::isSettled);

        assertThat(s.stateName()).isEqualTo("failed/failed");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("killed by signal KILL")
                .contains("out of memory: Memory=256m"));
        assertThat(s.lastExit()).contains(new ProcessExit.Killed(9, "KILL", false));
        assertThat(s.limits()).singleElement().satisfies(l -> {
            assertThat(l.setting()).isEqualTo("Memory");
            assertThat(l.value()).isEqualTo("256m");
            assertThat(l.applied()).isTrue();
        });
        assertThat(s.limits()).extracting(LimitReport::detail).allMatch(d -> d.contains("268435456"));
        assertThat(journal(hog.name())).contains("dispatching hogs").doesNotContain("survived");
    }
}
