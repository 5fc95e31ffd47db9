package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitDefinition;

/** {@code [Service]} keeps its meaning for containers: {@code Restart=} and the start limit, and refusals explain themselves. */
class RestartPolicyTest extends DockerTestSupport {

    @Test
    void restartAlwaysStartsANewContainerUntilTheStartLimit() throws Exception {
        UnitDefinition crashy = unit("crashy-" + id + ".container", """
                [Unit]
                StartLimitBurst=3
                StartLimitIntervalSec=1min

                [Container]
                Image=%s
                Exec=/bin/sh -c 'echo crashing; exit 4'

                [Service]
                Restart=always
                RestartSec=100ms
                """.formatted(image));

        start(crashy);
        UnitStatus s = awaitStatus(crashy.name(), st -> st.isSettled()
                && st.reason().filter(r -> r.contains("start request repeated too quickly")).isPresent());

        assertThat(s.stateName()).isEqualTo("failed/failed");
        assertThat(s.restarts()).as("three runs restarted, the fourth start refused").isEqualTo(3);
        assertThat(s.lastExit()).contains(new ProcessExit.Exited(4));
        assertThat(journal(crashy.name())).contains("Scheduled restart in 100ms", "Scheduled restart in 200ms")
                .contains("exited with status 4");
    }

    @Test
    void settingsTheRuntimeRefusesFailTheUnitWithTheReason() throws Exception {
        UnitDefinition bad = unit("bad-" + id + ".container", """
                [Container]
                Image=%s
                Network=host
                PublishPort=8080:80
                """.formatted(image));

        UnitStatus s = start(bad);

        assertThat(s.stateName()).isEqualTo("failed/failed");
        assertThat(s.load().systemdName()).isEqualTo("bad-setting");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("PublishPort= needs a bridge network"));
    }
}
