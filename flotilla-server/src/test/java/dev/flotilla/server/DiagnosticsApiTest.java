package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.UnitStatus;

/** {@code /v1/units/{name}/status}, {@code /journal} and {@code /inspect} answered by an agent's {@link UnitDiagnostics}. */
class DiagnosticsApiTest extends ApiTestBase {

    private static final String MACHINE = "2aa4e35a0123456789abcdef01234567";

    /** A machine that runs {@code db.service}, with a two-line journal, and the container unit {@code web.container}. */
    private static final UnitDiagnostics AGENT = new UnitDiagnostics() {
        private final List<JournalEntry> journal = List.of(
                new JournalEntry("2025-01-01T00:00:01Z", MACHINE, "agent", "Started db.service"),
                new JournalEntry("2025-01-01T00:00:02Z", MACHINE, "stdout", "mysqld: ready for connections."));

        @Override
        public Optional<UnitStatus> status(String unit) {
            if (unit.equals("web.container")) {
                Map<String, String> details = new LinkedHashMap<>();
                details.put("Container", "3f2c9a1b7d10 web (running)");
                details.put("Processes", "PID  COMMAND\n4242 httpd");
                return Optional.of(new UnitStatus(unit, MACHINE, null, "loaded", "active", "running", 4242L,
                        "2025-01-01T00:00:01Z", null, List.of(), null, null,
                        List.of("Memory=256m applied (HostConfig.Memory=268435456)"),
                        details));
            }
            if (unit.equals("crash.service")) {
                return Optional.of(new UnitStatus(unit, MACHINE, null, "loaded", "activating", "auto-restart", null,
                        "2025-01-01T00:00:03Z", "restarting in 200ms (Restart=always) after: ExecStart=/bin/false "
                        + "exited with status 1", List.of(), 2, "status=1", List.of(), Map.of()));
            }
            return unit.equals("db.service") ? Optional.of(new UnitStatus(unit, MACHINE, null, "loaded", "active",
                    "running", 22068L, "2025-01-01T00:00:01Z", null, journal)) : Optional.empty();
        }

        @Override
        public Optional<String> inspect(String unit) {
            return unit.equals("web.container") ? Optional.of("[{\"Id\":\"3f2c9a1b7d10\",\"Name\":\"/web\","
                    + "\"Config\":{\"Env\":[\"MYSQL_ROOT_PASSWORD=dh47\",\"PORT=80\"]}}]")
                    : Optional.empty();
        }

        @Override
        public Optional<List<JournalEntry>> journal(String unit, int lines) {
            return unit.equals("db.service") ? Optional.of(journal.subList(Math.max(0, journal.size() - lines), journal.size()))
                    : Optional.empty();
        }
    };

    @Override
    ApiSettings settings() {
        return ApiSettings.on("127.0.0.1", 0).withDiagnostics(AGENT);
    }

    @Test
    void statusOfAUnitRunningHere() {
        Http.Response r = http.get("/v1/units/db.service/status");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("systemdSubState").asText()).isEqualTo("running");
        assertThat(r.json().get("mainPID").asLong()).isEqualTo(22068L);
        assertThat(r.json().get("recentLines")).hasSize(2);
        Http.Response elsewhere = http.get("/v1/units/web.service/status");
        assertThat(elsewhere.status()).isEqualTo(404);
        assertThat(elsewhere.errorMessage()).contains("unit web.service does not exist");
    }

    @Test
    void statusCarriesLimitsAndTheRuntimesDetailsInOrder() {
        Http.Response r = http.get("/v1/units/web.container/status");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("limits").get(0).asText()).startsWith("Memory=256m applied");
        assertThat(r.json().get("details").properties()).extracting(Map.Entry::getKey)
                .containsExactly("Container", "Processes");
        assertThat(r.json().get("details").get("Processes").asText()).isEqualTo("PID  COMMAND\n4242 httpd");
        assertThat(http.get("/v1/units/db.service/status").json().has("details")).as("left out when empty").isFalse();
    }

    @Test
    void inspectPassesTheEnginesJsonThroughSecretsMaskedAndSaysWhenThereIsNoContainer() {
        Http.Response r = http.get("/v1/units/web.container/inspect");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[{\"Id\":\"3f2c9a1b7d10\",\"Name\":\"/web\","
                + "\"Config\":{\"Env\":[\"MYSQL_ROOT_PASSWORD=***\",\"PORT=80\"]}}]");
        Http.Response none = http.get("/v1/units/db.service/inspect");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.errorMessage()).isEqualTo("unit db.service has no container to inspect: only .container units "
                + "have one, from their start until they are stopped");
    }

    @Test
    void statusOfACrashingUnitSaysHowOftenItRestartedAndHowItLastEnded() throws Exception {
        Http.Response r = http.get("/v1/units/crash.service/status");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("restarts").asInt()).isEqualTo(2);
        assertThat(r.json().get("lastExit").asText()).isEqualTo("status=1");
        assertThat(r.json().has("mainPID")).isFalse();
        try (dev.flotilla.api.FleetClient client = new dev.flotilla.api.FleetClient(server.url(),
                java.time.Duration.ofSeconds(5))) {
            UnitStatus s = client.status("crash.service");
            assertThat(s.restarts()).isEqualTo(2);
            assertThat(s.lastExit()).isEqualTo("status=1");
            assertThat(s.reason()).startsWith("restarting in 200ms (Restart=always)");
            assertThat(client.status("db.service").restarts()).as("not reported: absent").isNull();
        }
    }

    @Test
    void journalHonoursLines() {
        Http.Response r = http.get("/v1/units/db.service/journal?lines=1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("entries")).hasSize(1);
        assertThat(r.json().get("entries").get(0).get("message").asText()).isEqualTo("mysqld: ready for connections.");
        Http.Response bad = http.get("/v1/units/db.service/journal?lines=lots");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorMessage()).contains("lines");
    }
}
