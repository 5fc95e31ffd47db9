package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.ServiceHealth;

/** {@code flotilla services}, as a user types it, over endpoints agents registered. */
class ServicesCommandIT extends FleetCliTestBase {

    private static final Instant SINCE = Instant.parse("2026-11-25T20:00:00Z");
    private static final String M1 = "1a2b3c4d".repeat(4);
    private static final String M2 = "9f8e7d6c".repeat(4);

    /** The lines of {@code out}, each as its tab-separated cells. */
    private static List<List<String>> cells(String out) {
        return out.lines().map(l -> Arrays.asList(l.split("\t+"))).toList();
    }

    @Test
    void nothingRegisteredPrintsTheLegendOnly() {
        CliProcess.Result services = cli("services");
        assertThat(services.exitCode()).as(services.toString()).isZero();
        assertThat(cells(services.out())).containsExactly(List.of("SERVICE", "UNIT", "MACHINE", "ADDRESS", "HEALTH", "SINCE"));
        assertThat(cli("services", "web", "--no-legend").out()).isEmpty();
    }

    @Test
    void listsEveryEndpointOrOneServicesInOneHealth() throws Exception {
        MachineId m1 = cluster.machine(M1, "127.0.0.2", Map.of());
        MachineId m2 = cluster.machine(M2, "127.0.0.3", Map.of());
        cluster.endpoint("web", "web@02.service", m1, "127.0.0.2", 18002, ServiceHealth.CRITICAL, SINCE);
        cluster.endpoint("web", "web@01.service", m2, "127.0.0.3", 18001, ServiceHealth.PASSING, SINCE);
        cluster.endpoint("db", "db.service", m1, "127.0.0.2", 3306, ServiceHealth.WARNING, SINCE.plusSeconds(61));

        CliProcess.Result all = cli("services");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(cells(all.out())).containsExactly(
                List.of("SERVICE", "UNIT", "MACHINE", "ADDRESS", "HEALTH", "SINCE"),
                List.of("db", "db.service", "1a2b3c4d.../127.0.0.2", "127.0.0.2:3306", "warning", "2026-11-25T20:01:01Z"),
                List.of("web", "web@01.service", "9f8e7d6c.../127.0.0.3", "127.0.0.3:18001", "passing", "2026-11-25T20:00:00Z"),
                List.of("web", "web@02.service", "1a2b3c4d.../127.0.0.2", "127.0.0.2:18002", "critical", "2026-11-25T20:00:00Z"));

        CliProcess.Result passing = cli("services", "web", "--health", "passing", "--no-legend", "--full");
        assertThat(passing.exitCode()).as(passing.toString()).isZero();
        assertThat(cells(passing.out())).containsExactly(
                List.of("web", "web@01.service", M2 + "/127.0.0.3", "127.0.0.3:18001", "passing", "2026-11-25T20:00:00Z"));
        assertThat(cells(cli("services", "--health=critical", "--no-legend").out())).extracting(l -> l.get(1))
                .containsExactly("web@02.service");
    }

    @Test
    void badInputGetsOneClearLine() {
        CliProcess.Result option = cli("services", "--healthy");
        assertThat(option.exitCode()).as(option.toString()).isEqualTo(2);
        assertThat(option.err()).contains("Unknown option: '--healthy'");

        CliProcess.Result health = cli("services", "--health", "ok");
        assertThat(health.exitCode()).as(health.toString()).isEqualTo(2);
        assertThat(health.err()).isEqualTo("flotilla services: --health must be passing, warning or critical, not \"ok\"\n");

        CliProcess.Result name = cli("services", "Web_1");
        assertThat(name.exitCode()).as(name.toString()).isEqualTo(2);
        assertThat(name.err().lines()).hasSize(1);
        assertThat(name.err()).contains("\"Web_1\" is not a service name");
    }
}
