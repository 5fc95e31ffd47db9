package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.testkit.DockerEngine;
import dev.flotilla.unit.UnitDefinition;

/** {@code HealthCmd=} and its family: the engine's verdict in the details, {@code HealthOnFailure=}, the startup check. */
class HealthCheckTest extends DockerTestSupport {

    @Test
    void aHealthyContainerSaysSoAndAnUnhealthyOneIsKilled() throws Exception {
        UnitDefinition healthy = unit("healthy-" + id + ".container", """
                [Container]
                Image=%s
                HealthCmd=wget -qO- http://127.0.0.1/index.html
                HealthInterval=1s
                HealthRetries=1
                """.formatted(image));
        UnitDefinition sick = unit("sick-" + id + ".container", """
                [Container]
                Image=%s
                Exec=sleep 1000
                HealthCmd=test -e /tmp/never
                HealthInterval=1s
                HealthTimeout=1s
                HealthRetries=2
                HealthOnFailure=kill
                """.formatted(image));

        start(healthy);
        start(sick);
        await().atMost(BOUND).until(() -> runtime.details(healthy.name()).get("Health").startsWith("healthy"));
        assertThat(runtime.details(healthy.name()).get("Health")).contains("last check exited 0");
        assertThat(DockerEngine.inspect("healthy-" + id, "{{json .Config.Healthcheck.Test}}"))
                .isEqualTo("[\"CMD-SHELL\",\"wget -qO- http://127.0.0.1/index.html\"]");

        UnitStatus s = awaitStatus(sick.name(), UnitStatus::isSettled);
        assertThat(s.stateName()).isEqualTo("failed/failed");
        assertThat(s.reason()).hasValueSatisfying(r -> assertThat(r).contains("killed by signal KILL")
                .contains("unhealthy (HealthOnFailure=kill)"));
        assertThat(journal(sick.name())).contains("is unhealthy (HealthOnFailure=kill)");
        assertThat(runtime.status(healthy.name()).orElseThrow().stateName()).isEqualTo("active/running");
    }

    @Test
    void theStartCompletesOnlyOnceTheStartupCheckPasses() throws Exception {
        UnitDefinition slow = unit("slow-" + id + ".container", """
                [Container]
                Image=%s
                Exec=/bin/sh -c 'echo warming up; sleep 1; touch /tmp/ready; echo ready; sleep 1000'
                HealthStartupCmd=test -e /tmp/ready
                HealthStartupInterval=200ms
                HealthStartupSuccess=2
                """.formatted(image));

        UnitStatus s = start(slow);

        assertThat(s.stateName()).isEqualTo("active/running");
        String journal = journal(slow.name());
        assertThat(journal).contains("Waiting for the startup check: test -e /tmp/ready", "ready", "Startup check passed.");
        assertThat(journal.indexOf("Startup check passed.")).as("started only after the container said ready")
                .isGreaterThan(journal.indexOf("ready\n"));
    }
}
