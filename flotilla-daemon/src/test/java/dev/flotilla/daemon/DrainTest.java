package dev.flotilla.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DevMachine;
import dev.flotilla.api.MachineDetails;
import dev.flotilla.api.UnitPlacement;
import dev.flotilla.api.UnitState;

/**
 * Draining a machine through {@code /v1/machines/{id}/drain} on a four-machine dev cluster (real agents running real
 * processes, the engine, the embedded store): its units move to the others, nothing new lands there, its global unit
 * stays, a unit pinned to it waits with a reason naming the drain, the drain survives the agent restarting, and
 * undraining makes the machine eligible again.
 */
class DrainTest extends DevClusterTestBase {

    private static final String SLEEPER = """
            [Service]
            ExecStart=/bin/sleep 600
            """;

    @Test
    void aDrainedMachineHandsOverItsUnitsAndTakesNothingNewUntilUndrained() throws Exception {
        DevMachine victim = api.devMachines().get(1); // machine 2; the API asked is machine 1's
        String id = victim.machineId();
        for (int i = 1; i <= 8; i++) {
            launch("web" + i + ".service", SLEEPER);
        }
        launch("mon.service", SLEEPER + "\n[X-Fleet]\nGlobal=true\n");
        launch("pinned.service", SLEEPER + "\n[X-Fleet]\nMachineID=" + id + "\n");
        await("every unit runs").atMost(Duration.ofMinutes(2)).until(() -> activeOn(id).containsAll(
                List.of("mon.service", "pinned.service")) && active().size() == 10);
        assertThat(activeOn(id)).as("the victim runs some web units before the drain").hasSizeGreaterThan(2);

        MachineDetails drained = api.drainMachine(id.substring(0, 8), "kernel upgrade");

        assertThat(drained.id()).isEqualTo(id);
        assertThat(drained.primaryIP()).isEqualTo(victim.ip());
        assertThat(drained.draining().reason()).isEqualTo("kernel upgrade");
        await("only the global unit stays on the drained machine").atMost(Duration.ofMinutes(2))
                .until(() -> activeOn(id).equals(Set.of("mon.service")));
        await("the web units run elsewhere").atMost(Duration.ofMinutes(2)).until(() -> active().entrySet().stream()
                .filter(e -> e.getKey().startsWith("web")).count() == 8);
        assertThat(api.placement("pinned.service").orElseThrow().unschedulable())
                .extracting(UnitPlacement.Refusal::machineID, UnitPlacement.Refusal::reason)
                .contains(org.assertj.core.groups.Tuple.tuple(id,
                        "machine " + id.substring(0, 8) + " is draining (kernel upgrade)"));
        for (int i = 1; i <= 4; i++) {
            launch("new" + i + ".service", SLEEPER);
        }
        await("new units run elsewhere").atMost(Duration.ofMinutes(2))
                .until(() -> active().keySet().stream().filter(n -> n.startsWith("new")).count() == 4);
        assertThat(activeOn(id)).containsExactly("mon.service");
        assertThat(api.machineDetails()).filteredOn(m -> m.id().equals(id)).singleElement()
                .satisfies(m -> assertThat(m.draining()).isNotNull());

        api.devMachine(Integer.toString(victim.number()), false);
        api.devMachine(Integer.toString(victim.number()), true);
        await("the restarted agent joins again and runs its global unit").atMost(Duration.ofMinutes(2))
                .until(() -> activeOn(id).contains("mon.service"));
        assertThat(api.machineDetails()).filteredOn(m -> m.id().equals(id)).singleElement()
                .satisfies(m -> assertThat(m.draining().reason()).isEqualTo("kernel upgrade"));
        assertThat(activeOn(id)).containsExactly("mon.service");
        assertThat(api.placement("pinned.service").orElseThrow().machineID()).isNull();

        MachineDetails undrained = api.undrainMachine(id);

        assertThat(undrained.draining()).isNull();
        await("the pinned unit runs on its machine again").atMost(Duration.ofMinutes(2))
                .until(() -> activeOn(id).contains("pinned.service"));
        assertThat(api.machineDetails()).allMatch(m -> m.draining() == null);
    }

    @Test
    void anUnknownMachineIs404NamingIt() {
        assertThatThrownBy(() -> api.drainMachine("ffff0000", "")).isInstanceOf(ApiException.class)
                .hasMessageContaining("machine ffff0000 does not exist")
                .extracting(e -> ((ApiException) e).status()).isEqualTo(404);
        assertThatThrownBy(() -> api.undrainMachine("ffff0000")).isInstanceOf(ApiException.class)
                .extracting(e -> ((ApiException) e).status()).isEqualTo(404);
    }

    @Test
    void listsEveryMachineWithItsDetails() throws Exception {
        List<MachineDetails> machines = api.machineDetails();

        assertThat(machines).extracting(MachineDetails::primaryIP)
                .containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5");
        assertThat(machines).extracting(MachineDetails::id).isSorted();
        assertThat(machines).allSatisfy(m -> {
            assertThat(m.apiUrl()).startsWith("http://" + m.primaryIP() + ":");
            assertThat(m.joinedAt()).isNotBlank();
            assertThat(m.draining()).isNull();
        });
    }

    /** Units reported active, by name, with the machine reporting (a global unit: any one machine). */
    private Map<String, String> active() throws Exception {
        return states(UnitState::isLoadedAndActive).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().machineID()));
    }

    private Set<String> activeOn(String machine) throws Exception {
        return api.states(machine, null).stream().filter(UnitState::isLoadedAndActive).map(UnitState::name)
                .collect(Collectors.toSet());
    }
}
