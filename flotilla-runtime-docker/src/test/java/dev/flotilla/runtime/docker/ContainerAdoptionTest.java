package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.testkit.DockerEngine;
import dev.flotilla.unit.UnitDefinition;

/**
 * A new runtime over the same state directory takes its containers back untouched (same container, same
 * process, the journal continues without repeating lines), and removes the containers no unit owns any more.
 */
class ContainerAdoptionTest extends DockerTestSupport {

    @Test
    void aNewRuntimeAdoptsItsContainersAndRemovesOrphans() throws Exception {
        UnitDefinition counter = unit("counter-" + id + ".container", """
                [Container]
                Image=%s
                Exec=/bin/sh -c 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.1; done'
                """.formatted(image));
        UnitStatus before = start(counter);
        String container = DockerEngine.inspect("counter-" + id, "{{.Id}}");
        awaitJournal(counter.name(), "tick 3");
        String orphan = DockerEngine.docker("run", "-d", "--name", "orphan-" + id,
                "--label", ContainerPlan.LABEL_STATE_DIR + "=" + stateDir,
                "--label", ContainerPlan.LABEL_UNIT + "=destroyed-" + id + ".container",
                "--label", ContainerPlan.LABEL_MACHINE + "=5eed5eed5eed5eed5eed5eed5eed5eed", image, "sleep", "1000")
                .orThrow("docker run").strip();
        String foreign = DockerEngine.docker("run", "-d", "--name", "foreign-" + id, "--label", "dev.flotilla.test=" + id,
                image, "sleep", "1000").orThrow("docker run").strip();
        try {
            runtime.close();
            runtime = open(config(stateDir));
            List<UnitStatus> adopted = runtime.statuses();

            assertThat(adopted).singleElement().satisfies(s -> {
                assertThat(s.stateName()).isEqualTo("active/running");
                assertThat(s.mainPid()).isEqualTo(before.mainPid());
            });
            awaitJournal(counter.name(), "tick 40");
            assertThat(DockerEngine.inspect("counter-" + id, "{{.Id}} {{.State.Running}} {{.RestartCount}}"))
                    .as("the same container, never restarted").isEqualTo(container + " true 0");
            List<String> ticks = runtime.journal(counter.name(), 10_000).stream().map(e -> e.message())
                    .filter(m -> m.startsWith("tick ")).toList();
            assertThat(ticks).as("every line once, in order").doesNotHaveDuplicates();
            for (int i = 0; i < ticks.size(); i++) {
                assertThat(ticks.get(i)).isEqualTo("tick " + i);
            }

            await().atMost(BOUND).until(() -> DockerEngine.docker("inspect", orphan).status() != 0);
            assertThat(DockerEngine.inspect(foreign, "{{.State.Running}}")).as("not labelled as ours: left alone")
                    .isEqualTo("true");
        } finally {
            DockerEngine.docker("rm", "-f", orphan, foreign);
        }
    }
}
