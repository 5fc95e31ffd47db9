package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.UnitStatus;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.MachineId;

/**
 * Status and journal of a unit another machine runs: the receiving server forwards the request to that
 * machine's API (one hop), over real HTTP between two API servers on one registry.
 */
class ForwardingApiTest extends ApiTestBase {

    private static final String SERVICE = "[Service]\nExecStart=/bin/sleep 1000\n";

    /** The second machine's agent: it runs exactly {@code web.service}. */
    private static final UnitDiagnostics SECOND = new UnitDiagnostics() {
        private final List<JournalEntry> journal = List.of(
                new JournalEntry("2025-01-01T00:00:01Z", "2".repeat(32), "agent", "Started web.service"),
                new JournalEntry("2025-01-01T00:00:02Z", "2".repeat(32), "stdout", "listening on :80"));

        @Override
        public Optional<UnitStatus> status(String unit) {
            return unit.equals("web.service") ? Optional.of(new UnitStatus(unit, "2".repeat(32), null, "loaded",
                    "active", "running", 4242L, "2025-01-01T00:00:01Z", null, journal)) : Optional.empty();
        }

        @Override
        public Optional<List<JournalEntry>> journal(String unit, int lines) {
            return unit.equals("web.service")
                    ? Optional.of(journal.subList(Math.max(0, journal.size() - lines), journal.size()))
                    : Optional.empty();
        }

        @Override
        public Optional<String> inspect(String unit) {
            return unit.equals("web.service") ? Optional.of("[{\"Id\":\"c0ffee\"}]") : Optional.empty();
        }
    };

    /** This server's agent runs nothing. */
    private static final UnitDiagnostics NOTHING = new UnitDiagnostics() {
        @Override
        public Optional<UnitStatus> status(String unit) {
            return Optional.empty();
        }

        @Override
        public Optional<List<JournalEntry>> journal(String unit, int lines) {
            return Optional.empty();
        }
    };

    private ApiServer second;

    @Override
    ApiSettings settings() {
        return ApiSettings.on("127.0.0.1", 0).withDiagnostics(NOTHING);
    }

    /** The settings of the machine that runs {@code web.service}. */
    ApiSettings secondSettings() {
        return ApiSettings.on("127.0.0.1", 0).withDiagnostics(SECOND);
    }

    @BeforeEach
    void startSecondMachine() throws Exception {
        second = ApiServer.start(cluster.registry, secondSettings());
        register(Cluster.id('2'), second.url().toString());
        cluster.submit("web.service", SERVICE, DesiredState.LAUNCHED);
        cluster.place("web.service", Cluster.id('2'));
    }

    @AfterEach
    void stopSecondMachine() {
        second.close();
    }

    private void register(MachineId id, String apiUrl) throws Exception {
        register(id, "127.0.0.1", apiUrl);
    }

    private void register(MachineId id, String ip, String apiUrl) throws Exception {
        long lease = store.grantLease(Duration.ofSeconds(60)).id();
        cluster.registry.machines().register(Machine.of(id, ip, Map.of(), apiUrl, "host", Instant.now()), lease);
    }

    @Test
    void aMachineWhoseApiIsOnLoopbackOnlyIs502SayingHowToExposeIt() throws Exception {
        register(Cluster.id('5'), "10.0.0.5", second.url().toString());
        cluster.submit("db.service", SERVICE, DesiredState.LAUNCHED);
        cluster.place("db.service", Cluster.id('5'));
        Http.Response r = http.get("/v1/units/db.service/status");
        assertThat(r.status()).as(r.toString()).isEqualTo(502);
        assertThat(r.errorMessage()).isEqualTo("unit db.service runs on machine " + "5".repeat(32) + " (" + second.url()
                + "), whose API listens on loopback only, so other machines cannot ask it; start that agent with "
                + "--api ADDR:PORT and a token (docs/security.md)");
    }

    @Test
    void statusAndJournalComeFromTheMachineRunningTheUnit() {
        Http.Response status = http.get("/v1/units/web.service/status");
        assertThat(status.status()).as(status.toString()).isEqualTo(200);
        assertThat(status.json().get("mainPID").asLong()).isEqualTo(4242L);
        assertThat(status.json().get("machineID").asText()).isEqualTo("2".repeat(32));
        Http.Response journal = http.get("/v1/units/web.service/journal?lines=1");
        assertThat(journal.status()).as(journal.toString()).isEqualTo(200);
        assertThat(journal.json().get("entries")).hasSize(1);
        assertThat(journal.json().get("entries").get(0).get("message").asText()).isEqualTo("listening on :80");
    }

    @Test
    void inspectComesFromTheMachineRunningTheUnit() {
        Http.Response r = http.get("/v1/units/web.service/inspect");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[{\"Id\":\"c0ffee\"}]");
    }

    @Test
    void aForwardedRequestIsNotForwardedAgain() {
        Http.Response r = http.get("/v1/units/web.service/status", DiagnosticsForwarder.HOP_HEADER, "1");
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.errorMessage()).contains("web.service");
    }

    @Test
    void unknownAndUnplacedUnitsAre404() throws Exception {
        Http.Response unknown = http.get("/v1/units/nope.service/journal");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorMessage()).isEqualTo("unit nope.service does not exist");
        cluster.submit("idle.service", SERVICE, DesiredState.INACTIVE);
        Http.Response idle = http.get("/v1/units/idle.service/status");
        assertThat(idle.status()).isEqualTo(404);
        assertThat(idle.errorMessage()).contains("idle.service is not placed");
    }

    @Test
    void aMachineThatRefusesIs502NamingIt() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        register(Cluster.id('3'), "http://127.0.0.1:" + closed);
        cluster.submit("db.service", SERVICE, DesiredState.LAUNCHED);
        cluster.place("db.service", Cluster.id('3'));
        Http.Response r = http.get("/v1/units/db.service/status");
        assertThat(r.status()).as(r.toString()).isEqualTo(502);
        assertThat(r.errorMessage()).contains("3".repeat(32)).contains("db.service");
    }

    @Test
    void aMachineThatDoesNotAnswerIs504NamingIt() throws Exception {
        // Connections are accepted by the kernel (the backlog) but never answered.
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            register(Cluster.id('4'), "http://127.0.0.1:" + silent.getLocalPort());
            cluster.submit("db.service", SERVICE, DesiredState.LAUNCHED);
            cluster.place("db.service", Cluster.id('4'));
            Http.Response r = http.get("/v1/units/db.service/journal");
            assertThat(r.status()).as(r.toString()).isEqualTo(504);
            assertThat(r.errorMessage()).contains("4".repeat(32)).contains("did not answer");
        }
    }
}
