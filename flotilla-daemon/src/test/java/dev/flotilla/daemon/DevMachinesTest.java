package dev.flotilla.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.api.ApiException;
import dev.flotilla.api.DevMachine;
import dev.flotilla.api.FleetClient;

/**
 * Stopping one dev machine and starting it again through {@code /v1/dev/machines}, over real HTTP: its units move
 * to the others (as when a machine is lost), it comes back with the same ID, and a machine does not stop itself.
 */
class DevMachinesTest extends DevClusterTestBase {

    private static final String SLEEPER = """
            [Service]
            ExecStart=/bin/sleep 600
            """;

    @Test
    void aStoppedMachinesUnitsMoveAndItComesBackWithItsId() throws Exception {
        launch("sleeper.service", SLEEPER);
        await().atMost(Duration.ofMinutes(1)).until(() -> states(s -> s.isLoadedAndActive()).containsKey("sleeper.service"));
        String machineId = states(s -> true).get("sleeper.service").machineID();
        DevMachine victim = api.devMachines().stream().filter(m -> m.machineId().equals(machineId)).findFirst().orElseThrow();
        // From here on, ask (and let the base class's helpers ask) a machine other than the one stopped: a machine
        // does not stop itself through its own API, and a stopped machine's API is gone.
        api = new FleetClient(api.devMachines().stream().filter(m -> m.number() != victim.number())
                .findFirst().map(m -> URI.create(m.api())).orElseThrow(), Duration.ofSeconds(60));

        DevMachine stopped = api.devMachine(victim.ip(), false);

        assertThat(stopped.running()).isFalse();
        assertThat(stopped.api()).isNull();
        assertThat(api.machines()).noneMatch(m -> m.id().equals(machineId));
        await("the unit runs elsewhere").atMost(Duration.ofMinutes(1)).until(() -> {
            var state = states(s -> s.isLoadedAndActive()).get("sleeper.service");
            return state != null && !state.machineID().equals(machineId);
        });

        DevMachine started = api.devMachine(Integer.toString(victim.number()), true);

        assertThat(started.running()).isTrue();
        assertThat(started.machineId()).isEqualTo(machineId);
        await("it joins again").atMost(Duration.ofMinutes(1))
                .until(() -> api.machines().stream().anyMatch(m -> m.id().equals(machineId)));
    }

    @Test
    void listsTheMachinesAndRefusesUnknownOnesAndStoppingItself() throws Exception {
        assertThat(api.devMachines()).extracting(DevMachine::number, DevMachine::ip, DevMachine::running).containsExactly(
                tuple(1, "127.0.0.2", true), tuple(2, "127.0.0.3", true),
                tuple(3, "127.0.0.4", true), tuple(4, "127.0.0.5", true));
        assertThatThrownBy(() -> api.devMachine("9", false)).isInstanceOf(ApiException.class)
                .hasMessageContaining("no machine is '9'").extracting(e -> ((ApiException) e).status()).isEqualTo(404);
        assertThatThrownBy(() -> api.devMachine("127.0.0.2", false)).isInstanceOf(ApiException.class)
                .hasMessageContaining("cannot stop itself").hasMessageContaining(cluster.machines().get(1).apiUrl().toString())
                .extracting(e -> ((ApiException) e).status()).isEqualTo(409);
        assertThat(api.devMachines()).allMatch(DevMachine::running);
    }

    @Test
    void anAgentsApiHasNoDevMachines() throws Exception {
        try (MachineDaemon agent = MachineDaemon.start(
                AgentConfig.of(cluster.store(), Files.createTempDirectory("agent"), "127.0.0.9")
                        .withMetadata(Map.of()), "127.0.0.9", 0);
                FleetClient client = new FleetClient(agent.apiUrl(), Duration.ofSeconds(10))) {
            assertThatThrownBy(client::devMachines).isInstanceOf(ApiException.class)
                    .hasMessageContaining("served by dev clusters only");
        }
    }
}
