package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.UnitStatus;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.unit.UnitName;

/**
 * The seed's database unit carries {@code MYSQL_ROOT_PASSWORD} on its command line: status, journal and state
 * answers mask it, while the unit file itself ({@code cat}) comes back as submitted.
 */
class SecretRedactionApiTest extends ApiTestBase {

    private static final String MACHINE = "2aa4e35a0123456789abcdef01234567";
    private static final String PASSWORD = "dh47dk504dk44dd";
    private static final String EXEC = "/usr/bin/docker run --rm --name db -e MYSQL_ROOT_PASSWORD=" + PASSWORD + " mysql";

    private static final UnitDiagnostics AGENT = new UnitDiagnostics() {
        private final List<JournalEntry> journal = List.of(
                new JournalEntry("2025-01-01T00:00:01Z", MACHINE, "flotilla", "ExecStart=" + EXEC + " exited with status 1"),
                new JournalEntry("2025-01-01T00:00:02Z", MACHINE, "sh", "env: API_TOKEN=abc123 PORT=80"));

        @Override
        public Optional<UnitStatus> status(String unit) {
            return Optional.of(new UnitStatus(unit, MACHINE, null, "loaded", "failed", "failed", null,
                    "2025-01-01T00:00:02Z", "ExecStart=" + EXEC + " exited with status 1", journal));
        }

        @Override
        public Optional<List<JournalEntry>> journal(String unit, int lines) {
            return Optional.of(journal);
        }
    };

    @Override
    ApiSettings settings() {
        return ApiSettings.on("127.0.0.1", 0).withDiagnostics(AGENT);
    }

    @Test
    void statusAndJournalMaskThePasswordAndTheToken() throws Exception {
        cluster.submit("db.service", "[Service]\nExecStart=" + EXEC + "\n", DesiredState.LAUNCHED);

        Http.Response status = http.get("/v1/units/db.service/status");
        assertThat(status.status()).as(status.toString()).isEqualTo(200);
        assertThat(status.json().get("reason").asText()).contains("MYSQL_ROOT_PASSWORD=*** mysql");
        assertThat(status.body()).doesNotContain(PASSWORD).doesNotContain("abc123").contains("API_TOKEN=*** PORT=80");

        Http.Response journal = http.get("/v1/units/db.service/journal");
        assertThat(journal.status()).isEqualTo(200);
        assertThat(journal.body()).doesNotContain(PASSWORD).doesNotContain("abc123").contains("MYSQL_ROOT_PASSWORD=***");
    }

    @Test
    void stateReasonsAreMaskedAndCatReturnsTheFileAsSubmitted() throws Exception {
        String text = "[Service]\nExecStart=" + EXEC + "\n";
        cluster.submit("db.service", text, DesiredState.LAUNCHED);
        UnitName name = new UnitName("db.service");
        long lease = cluster.store.grantLease(Duration.ofSeconds(60)).id();
        cluster.registry.states().publish(new UnitStateRecord(name, cluster.registry.units().get(name).orElseThrow().hash(),
                new MachineId(MACHINE), "loaded", "failed", "failed", OptionalLong.empty(), Cluster.T0,
                Optional.of("ExecStart=" + EXEC + " exited with status 1")), lease);
        try {
            Http.Response states = http.get("/fleet/v1/state?unitName=db.service");
            assertThat(states.body()).contains("MYSQL_ROOT_PASSWORD=***").doesNotContain(PASSWORD);

            Http.Response unit = http.get("/fleet/v1/units/db.service");
            assertThat(unit.json().get("contents").asText()).isEqualTo(text);
        } finally {
            cluster.store.revokeLease(lease);
        }
    }
}
