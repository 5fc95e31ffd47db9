package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.ApiToken;
import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.MachineStats;
import dev.flotilla.api.UnitStatus;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.ServiceEndpoint;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.unit.UnitName;
import dev.flotilla.registry.DesiredState;

/**
 * What the dashboard needs of the API server: its files at {@code /ui} without the token (with strict headers) while
 * every data request still needs it; a unit's file with secrets masked; a machine's stats answered by that
 * machine's own server (forwarded, one hop); the load balancers list. Over real HTTP between two API servers.
 */
class DashboardApiTest extends ApiTestBase {

    private static final String TOKEN = "dashboard-api-test-token-0123";
    private static final String MACHINE_TWO = "2".repeat(32);

    /** The second machine's agent: it answers stats for machine two only, and runs no unit. */
    private static final UnitDiagnostics SECOND = new UnitDiagnostics() {
        @Override
        public Optional<UnitStatus> status(String unit) {
            return Optional.empty();
        }

        @Override
        public Optional<List<JournalEntry>> journal(String unit, int lines) {
            return Optional.empty();
        }

        @Override
        public Optional<MachineStats> machineStats(String machineId) {
            return machineId.equals(MACHINE_TWO) ? Optional.of(new MachineStats(machineId, 0.5, 0.25, 0.125, 2, 12.5,
                    8L << 30, 3L << 30, "2025-01-01T00:00:00Z")) : Optional.empty();
        }
    };

    private final HttpClient raw = HttpClient.newHttpClient();
    private ApiServer second;
    private long secondLease;

    @Override
    ApiSettings settings() {
        return ApiSettings.on("127.0.0.1", 0).withToken(Optional.of(ApiToken.of(TOKEN, "the test")));
    }

    @Override
    Http client(ApiServer started) {
        return new Http(started.url(), "Bearer " + TOKEN, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    @BeforeEach
    void startSecondMachine() throws Exception {
        second = ApiServer.start(cluster.registry, settings().withDiagnostics(SECOND));
        secondLease = store.grantLease(Duration.ofSeconds(60)).id();
        cluster.registry.machines().register(Machine.of(new MachineId(MACHINE_TWO), "127.0.0.1", Map.of(),
                second.url().toString(), "two", Instant.now()), secondLease);
    }

    @AfterEach
    void stopSecondMachine() {
        second.close();
    }

    private void endpoint(String service, int port, ServiceHealth health, List<String> tags) throws Exception {
        cluster.registry.services().publish(new ServiceEndpoint(service, new UnitName("lb.service"),
                new MachineId(MACHINE_TWO), "127.0.0.1", port, tags, health, Instant.now(), Optional.empty()), secondLease);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return raw.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDashboardsFilesNeedNoTokenAndForbidSniffingFramingAndOtherOrigins() throws Exception {
        for (String path : List.of("/ui", "/ui/", "/ui/app.js", "/ui/app.css")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).get().asString()
                    .contains("default-src 'none'").contains("script-src 'self'").contains("frame-ancestors 'none'");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
        }
        assertThat(get("/ui").headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
        assertThat(get("/ui").body()).contains("<script type=\"module\" src=\"/ui/app.js\">");
        assertThat(get("/ui/app.js").headers().firstValue("Content-Type")).get().asString().startsWith("text/javascript");
        assertThat(get("/ui/nope.js").statusCode()).isEqualTo(404);
        assertThat(get("/ui/..%2Fpom.xml").statusCode()).isIn(400, 404);
        assertThat(get("/ui/x/app.js").statusCode()).as("not a dashboard file: the token is asked").isEqualTo(401);
        assertThat(get("/fleet/v1/units").statusCode()).as("data needs the token").isEqualTo(401);
        assertThat(get("/v1/machines/" + MACHINE_TWO + "/stats").statusCode()).isEqualTo(401);
    }

    @Test
    void aUnitsFileIsServedWithSecretsMaskedLineByLine() throws Exception {
        cluster.submit("db.service", """
                # the db's password comes from the environment
                [Service]
                Environment=MYSQL_ROOT_PASSWORD=hunter2 PORT=3306
                ExecStart=/usr/bin/docker run -e API_KEY=abc mysql
                """, DesiredState.LAUNCHED);
        Http.Response r = http.get("/v1/units/db.service/file");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).contains("Environment=MYSQL_ROOT_PASSWORD=*** PORT=3306")
                .contains("-e API_KEY=*** mysql").contains("# the db's password").doesNotContain("hunter2")
                .doesNotContain("abc").contains("\"hash\":\"");
        assertThat(http.get("/v1/units/nope.service/file").status()).isEqualTo(404);
    }

    @Test
    void aMachinesStatsAreAnsweredByItsOwnServerWhicheverIsAsked() throws Exception {
        Http.Response r = http.get("/v1/machines/" + MACHINE_TWO.substring(0, 6) + "/stats");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).contains("\"machine\":\"" + MACHINE_TWO + "\"").contains("\"load1\":0.5")
                .contains("\"cpus\":2").contains("\"cpuUsedPercent\":12.5").contains("\"memoryUsedBytes\":" + (3L << 30));

        Http.Response unknown = http.get("/v1/machines/abc/stats");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorMessage()).isEqualTo("machine abc is not in the cluster (see GET /fleet/v1/machines)");
        assertThat(http.get("/v1/machines/not-hex/stats").status()).isEqualTo(400);

        second.close();
        Http.Response gone = http.get("/v1/machines/" + MACHINE_TWO + "/stats");
        assertThat(gone.status()).isEqualTo(502);
        assertThat(gone.errorMessage()).startsWith("cannot reach the API of machine " + MACHINE_TWO + " (");
    }

    @Test
    void loadBalancersAreTheEndpointsTaggedFlotillaLbAndOneNotPassingSaysWhy() throws Exception {
        assertThat(http.get("/v1/loadbalancers").body()).isEqualTo("{\"loadbalancers\":[]}");
        cluster.submit("lb.service", "[Service]\nExecStart=/bin/true\n", DesiredState.LAUNCHED);
        endpoint("web-lb", 1, ServiceHealth.CRITICAL, List.of("flotilla-lb"));
        endpoint("web", 2, ServiceHealth.PASSING, List.of());
        Http.Response r = http.get("/v1/loadbalancers");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"loadbalancers\":[{\"service\":\"web-lb\",\"unit\":\"lb.service\",\"machine\":\""
                + MACHINE_TWO + "\",\"url\":\"http://127.0.0.1:1\",\"status\":null,\"error\":\"not passing its check (critical)\"}]}");
    }
}
