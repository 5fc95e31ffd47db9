package dev.flotilla.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.flotilla.api.UnitState;

/**
 * The whole stack in one process: four machines (agents with real processes, engines, API servers)
 * on one embedded store, driven through the fleet v1 API like the CLI drives it.
 */
class DevClusterTest extends DevClusterTestBase {

    private static final String WEB_TEMPLATE = """
            [Unit]
            Description=Web %i

            [Service]
            ExecStart=/bin/sh -c 'echo web %i on $COREOS_PUBLIC_IPV4; exec sleep 1000'
            Restart=always
            """;

    private Map<String, UnitState> runningStates() throws Exception {
        return states(s -> "active".equals(s.systemdActiveState()) && "running".equals(s.systemdSubState()));
    }

    @Test
    void tenWebInstancesSpreadOverFourMachinesAndALostMachinesUnitsMoveElsewhere() throws Exception {
        assertThat(api.machines()).hasSize(4);
        for (int i = 1; i <= 10; i++) {
            launch(String.format("web@%02d.service", i), WEB_TEMPLATE);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> runningStates().size() == 10);

        Map<String, UnitState> before = runningStates();
        Map<String, Long> perMachine = before.values().stream()
                .collect(Collectors.groupingBy(UnitState::machineID, TreeMap::new, Collectors.counting()));
        assertThat(perMachine).hasSize(4);
        assertThat(perMachine.values()).containsExactlyInAnyOrder(3L, 3L, 2L, 2L);

        // The fourth machine goes away: its units move, and only its units.
        MachineDaemon lost = cluster.machines().get(3);
        String lostId = lost.machineId().value();
        List<String> moved = before.values().stream().filter(s -> s.machineID().equals(lostId))
                .map(UnitState::name).toList();
        assertThat(moved).isNotEmpty();
        lost.drainAndClose(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Map<String, UnitState> now = runningStates();
            return now.size() == 10 && now.values().stream().noneMatch(s -> s.machineID().equals(lostId));
        });
        Map<String, UnitState> after = runningStates();
        for (UnitState unit : before.values()) {
            if (!moved.contains(unit.name())) {
                assertThat(after.get(unit.name()).machineID()).as("%s stays where it was", unit.name())
                        .isEqualTo(unit.machineID());
            }
        }
        assertThat(api.machines()).hasSize(3);
    }

    @Test
    void statusAndJournalOfAUnitAreServedByTheMachineThatRunsIt() throws Exception {
        launch("hello.service", """
                [Service]
                ExecStart=/bin/sh -c 'echo hello from $COREOS_PUBLIC_IPV4; exec sleep 1000'
                """);
        await().atMost(Duration.ofSeconds(30)).until(() -> runningStates().containsKey("hello.service"));
        String machine = runningStates().get("hello.service").machineID();
        MachineDaemon runner = cluster.machines().stream().filter(m -> m.machineId().value().equals(machine))
                .findFirst().orElseThrow();
        String ip = runner.apiUrl().getHost();
        HttpClient http = HttpClient.newHttpClient();
        URI journal = runner.apiUrl().resolve("/v1/units/hello.service/journal?lines=20");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(journal).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("hello from " + ip);
        });
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                runner.apiUrl().resolve("/v1/units/hello.service/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        assertThat(status.body()).contains("\"systemdActiveState\":\"active\"").contains("\"mainPID\":")
                .contains(machine);
    }
}
