package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitDefinition;

/**
 * The engine down or its socket missing: a start fails with the reason, the runtime keeps trying, and the unit
 * starts once the engine answers; a running unit says it lost the engine, and is checked again when it is back.
 * The "engine" here is a proxy socket in front of the real one, so no other test loses it.
 */
class EngineOutageTest extends DockerTestSupport {

    @Test
    void aUnitWaitsForAMissingEngineAndStartsWhenItAnswers() throws Exception {
        // a unix socket path must stay under 108 bytes, which the test's work directory may exceed
        Path socket = Path.of(System.getProperty("java.io.tmpdir"), "flotilla-" + id + ".sock");
        runtime.close();
        runtime = open(config(stateDir.resolve("state")).withDockerHost("unix://" + socket));
        UnitDefinition web = unit("patient-" + id + ".container", """
                [Container]
                Image=%s
                Exec=/bin/sh -c 'echo up; sleep 1000'
                """.formatted(image));

        UnitStatus waiting = start(web);

        assertThat(waiting.stateName()).isEqualTo("failed/failed");
        assertThat(waiting.reason()).hasValueSatisfying(r -> assertThat(r)
                .startsWith("cannot reach the Docker engine: its socket " + socket + " does not exist (is dockerd running?")
                .contains("it starts once the engine answers"));

        try (SocketProxy engine = new SocketProxy(socket, Path.of("/var/run/docker.sock")).up()) {
            UnitStatus running = awaitStatus(web.name(), UnitStatus::isRunning);
            assertThat(running.reason()).isEmpty();
            awaitJournal(web.name(), "up");

            engine.down();
            UnitStatus lost = awaitStatus(web.name(), s -> s.reason().filter(r -> r.startsWith("lost the Docker engine"))
                    .isPresent());
            assertThat(lost.stateName()).as("the state as last seen").isEqualTo("active/running");

            engine.up();
            UnitStatus back = awaitStatus(web.name(), s -> s.reason().isEmpty());
            assertThat(back.stateName()).isEqualTo("active/running");
            assertThat(back.mainPid()).isEqualTo(running.mainPid());
            assertThat(stop(web.name()).stateName()).isEqualTo("inactive/dead");
        }
    }
}
