package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.ServiceSummary;
import dev.flotilla.api.ServiceView;
import dev.flotilla.api.ServiceWatch;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.ServiceHealth;

/**
 * Service discovery over real HTTP ({@code /v1/services...}, the watch, the {@code endpoint} events, the gauges) and
 * {@link FleetClient}'s calls for it, with the agents' endpoints published through the registry, as agents do.
 */
class ServicesApiTest extends ApiTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Instant SINCE = Instant.parse("2026-11-25T20:00:00Z");

    private final MachineId m1 = Cluster.id('1');
    private final MachineId m2 = Cluster.id('2');

    private void twoMachines() throws Exception {
        cluster.machine(m1, "127.0.0.2", Map.of());
        cluster.machine(m2, "127.0.0.3", Map.of());
    }

    @Test
    void listsServicesWithTheirHealthAndEachServicesEndpointsInOrder() throws Exception {
        assertThat(http.get("/v1/services").json().toString()).isEqualTo("{\"services\":[]}");
        twoMachines();
        cluster.endpoint("web", "web@02.service", m1, "127.0.0.2", 18002, ServiceHealth.CRITICAL, SINCE, "HTTP 500 in 2 ms");
        cluster.endpoint("web", "web@01.service", m2, "127.0.0.3", 18001, ServiceHealth.PASSING, SINCE, "HTTP 200 in 3 ms");
        cluster.endpoint("web", "web@01.service", m1, "127.0.0.2", 18001, ServiceHealth.WARNING, SINCE, null);
        cluster.endpoint("db", "db.service", m2, "127.0.0.3", 3306, ServiceHealth.PASSING, SINCE, null);

        assertThat(http.get("/v1/services").json().toString()).isEqualTo("{\"services\":["
                + "{\"name\":\"db\",\"endpoints\":1,\"passing\":1,\"warning\":0,\"critical\":0},"
                + "{\"name\":\"web\",\"endpoints\":3,\"passing\":1,\"warning\":1,\"critical\":1}]}");

        Http.Response web = http.get("/v1/services/web");
        assertThat(web.status()).isEqualTo(200);
        assertThat(web.contentType()).startsWith("application/json");
        JsonNode endpoints = web.json().get("endpoints");
        assertThat(web.json().get("service").asText()).isEqualTo("web");
        assertThat(web.json().get("revision").asLong()).isPositive();
        assertThat(endpoints.get(0).toString()).isEqualTo("{\"service\":\"web\",\"unit\":\"web@01.service\",\"machineId\":\""
                + m1 + "\",\"address\":\"127.0.0.2\",\"port\":18001,\"tags\":[\"v1\"],\"health\":\"warning\","
                + "\"since\":\"2026-11-25T20:00:00Z\"}");
        assertThat(endpoints.findValuesAsText("unit")).containsExactly("web@01.service", "web@01.service", "web@02.service");
        assertThat(endpoints.get(1).get("machineId").asText()).isEqualTo(m2.value());
        assertThat(endpoints.get(1).get("output").asText()).isEqualTo("HTTP 200 in 3 ms");

        assertThat(http.get("/v1/services/web?health=passing").json().get("endpoints").findValuesAsText("port"))
                .containsExactly("18001");
        assertThat(http.get("/v1/services/web?health=critical").json().get("endpoints").findValuesAsText("unit"))
                .containsExactly("web@02.service");
        assertThat(http.get("/v1/services/nobody").json().get("endpoints").size()).isZero();
    }

    @Test
    void aBadNameOrHealthIsA400NamingIt() {
        Http.Response badName = http.get("/v1/services/Web_1");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.errorMessage()).contains("\"Web_1\" is not a service name");
        Http.Response badHealth = http.get("/v1/services/web?health=ok");
        assertThat(badHealth.status()).isEqualTo(400);
        assertThat(badHealth.errorMessage()).isEqualTo("health must be passing, warning or critical, not \"ok\"");
        Http.Response badWatch = http.get("/v1/services/-web/watch");
        assertThat(badWatch.status()).isEqualTo(400);
        assertThat(badWatch.errorMessage()).contains("\"-web\" is not a service name");
    }

    @Test
    void aChecksOutputIsShownWithItsSecretsMasked() throws Exception {
        twoMachines();
        cluster.endpoint("api", "api.service", m1, "127.0.0.2", 8080, ServiceHealth.CRITICAL, SINCE,
                "exit status 2: curl -H API_TOKEN=s3cr3t http://127.0.0.2:8080/health");
        assertThat(http.get("/v1/services/api").json().get("endpoints").get(0).get("output").asText())
                .isEqualTo("exit status 2: curl -H API_TOKEN=*** http://127.0.0.2:8080/health");
    }

    @Test
    void theWatchSendsTheWholeListAtConnectAndAfterEveryChange() throws Exception {
        twoMachines();
        cluster.endpoint("web", "web@01.service", m1, "127.0.0.2", 18001, ServiceHealth.CRITICAL, SINCE, "not checked yet");
        try (SseClient watch = SseClient.open(server.url(), "/v1/services/web/watch", Map.of())) {
            assertThat(watch.status()).as(watch.errorBody()).isEqualTo(200);
            assertThat(watch.contentType()).startsWith("text/event-stream");
            SseClient.Frame first = watch.next(WAIT);
            assertThat(first.event()).isEqualTo("endpoints");
            assertThat(first.data().get("endpoints").findValuesAsText("health")).containsExactly("critical");

            cluster.endpoint("web", "web@01.service", m1, "127.0.0.2", 18001, ServiceHealth.PASSING, SINCE.plusSeconds(5),
                    "HTTP 200 in 1 ms");
            assertThat(healths(watch.next(WAIT))).containsExactly("web@01.service passing");
            cluster.endpoint("web", "web@02.service", m2, "127.0.0.3", 18002, ServiceHealth.PASSING, SINCE, null);
            assertThat(healths(watch.next(WAIT))).containsExactly("web@01.service passing", "web@02.service passing");
            cluster.deregister("web", "web@01.service", m1);
            SseClient.Frame afterStop = watch.next(WAIT);
            assertThat(healths(afterStop)).containsExactly("web@02.service passing");
            assertThat(afterStop.data().get("revision").asLong()).isGreaterThan(first.data().get("revision").asLong());
            cluster.leave(m2); // the agent died: its lease, and the endpoints on it, are gone
            assertThat(healths(watch.next(WAIT))).isEmpty();
        }
    }

    @Test
    void theWatchWithAHealthFilterSendsOnlyWhenTheFilteredListChanges() throws Exception {
        twoMachines();
        try (SseClient watch = SseClient.open(server.url(), "/v1/services/web/watch?health=passing", Map.of())) {
            assertThat(healths(watch.next(WAIT))).isEmpty();
            cluster.endpoint("web", "web@01.service", m1, "127.0.0.2", 18001, ServiceHealth.CRITICAL, SINCE, null);
            cluster.endpoint("web", "web@02.service", m2, "127.0.0.3", 18002, ServiceHealth.PASSING, SINCE, null);
            // The critical endpoint changes nothing a client of passing endpoints sees: the next list has web@02 alone.
            assertThat(healths(watch.next(WAIT))).containsExactly("web@02.service passing");
        }
    }

    @Test
    void endpointsReadAsEventsWhenRegisteredWhenTheirHealthChangesAndWhenDeregistered() throws Exception {
        twoMachines();
        try (SseClient events = SseClient.open(server.url(), "/v1/events?type=endpoint", Map.of())) {
            assertThat(events.status()).as(events.errorBody()).isEqualTo(200);
            // The events log starts in the background: publish until it has seen a registration.
            await().atMost(WAIT).until(() -> {
                cluster.deregister("probe", "probe.service", m1);
                cluster.endpoint("probe", "probe.service", m1, "127.0.0.2", 1, ServiceHealth.PASSING, SINCE, null);
                return events.next(Duration.ofMillis(500)) != null;
            });
            cluster.endpoint("web", "web@01.service", m1, "127.0.0.2", 18001, ServiceHealth.CRITICAL, SINCE, "not checked yet");
            cluster.endpoint("web", "web@01.service", m1, "127.0.0.2", 18001, ServiceHealth.PASSING, SINCE.plusSeconds(3),
                    "HTTP 200 in 2 ms");
            cluster.deregister("web", "web@01.service", m1);

            List<String> lines = events.until("endpoint", "web@01.service", WAIT).stream()
                    .filter(f -> "web@01.service".equals(f.unit())).map(f -> f.data().get("fields").toString()).toList();
            assertThat(lines).containsExactly("{\"ip\":\"127.0.0.2\",\"change\":\"registered\",\"service\":\"web\","
                    + "\"address\":\"127.0.0.2\",\"port\":\"18001\",\"health\":\"critical\",\"output\":\"not checked yet\"}");
            assertThat(events.until("endpoint", "web@01.service", WAIT).getLast().data().get("fields").toString())
                    .isEqualTo("{\"ip\":\"127.0.0.2\",\"change\":\"health-changed\",\"service\":\"web\",\"address\":"
                            + "\"127.0.0.2\",\"port\":\"18001\",\"health\":\"passing\",\"previous\":\"critical\","
                            + "\"output\":\"HTTP 200 in 2 ms\"}");
            SseClient.Frame gone = events.until("endpoint", "web@01.service", WAIT).getLast();
            assertThat(gone.data().get("machine").asText()).isEqualTo(m1.value());
            assertThat(gone.data().get("fields").toString()).isEqualTo("{\"ip\":\"127.0.0.2\",\"change\":\"deregistered\","
                    + "\"service\":\"web\"}");
        }
    }

    @Test
    void metricsCountEndpointsByServiceAndHealth() throws Exception {
        twoMachines();
        cluster.endpoint("web", "web@01.service", m1, "127.0.0.2", 18001, ServiceHealth.PASSING, SINCE, null);
        cluster.endpoint("web", "web@02.service", m2, "127.0.0.3", 18002, ServiceHealth.PASSING, SINCE, null);
        cluster.endpoint("web", "web@03.service", m2, "127.0.0.3", 18003, ServiceHealth.CRITICAL, SINCE, null);
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("flotilla_service_endpoints{health=\"passing\",service=\"web\"} 2.0",
                "flotilla_service_endpoints{health=\"critical\",service=\"web\"} 1.0",
                "flotilla_service_endpoints{health=\"warning\",service=\"web\"} 0.0");
        cluster.deregister("web", "web@03.service", m2);
        assertThat(http.get("/metrics").body()).contains("flotilla_service_endpoints{health=\"critical\",service=\"web\"} 0.0");
    }

    @Test
    void theClientListsReadsAndFollowsAServiceAcrossARestartOfTheServer() throws Exception {
        twoMachines();
        cluster.endpoint("web", "web@01.service", m1, "127.0.0.2", 18001, ServiceHealth.PASSING, SINCE, "HTTP 200 in 3 ms");
        cluster.endpoint("web", "web@02.service", m2, "127.0.0.3", 18002, ServiceHealth.CRITICAL, SINCE, null);
        FleetClient client = new FleetClient(server.url(), Duration.ofSeconds(5));

        assertThat(client.services()).containsExactly(new ServiceSummary("web", 2, 1, 0, 1));
        ServiceView web = client.service("web");
        assertThat(web.endpoints()).extracting(e -> e.unit() + " " + e.address() + ":" + e.port() + " " + e.health())
                .containsExactly("web@01.service 127.0.0.2:18001 passing", "web@02.service 127.0.0.3:18002 critical");
        dev.flotilla.api.ServiceEndpoint first = web.endpoints().getFirst();
        assertThat(first.machineId()).isEqualTo(m1.value());
        assertThat(first.tags()).containsExactly("v1");
        assertThat(first.since()).isEqualTo("2026-11-25T20:00:00Z");
        assertThat(first.output()).isEqualTo("HTTP 200 in 3 ms");
        assertThat(first.isPassing()).isTrue();
        assertThat(client.service("web", "critical").endpoints()).extracting(dev.flotilla.api.ServiceEndpoint::unit)
                .containsExactly("web@02.service");
        assertThat(client.service("nobody").endpoints()).isEmpty();
        assertThatThrownBy(() -> client.service("Bad_Name")).isInstanceOf(ApiException.class)
                .hasMessageContaining("\"Bad_Name\" is not a service name");
        assertThatThrownBy(() -> client.watchService("Bad_Name", v -> { })).isInstanceOf(ApiException.class)
                .hasMessageContaining("\"Bad_Name\" is not a service name");

        List<ServiceView> seen = new CopyOnWriteArrayList<>();
        List<ApiException> failures = new CopyOnWriteArrayList<>();
        int port = server.port();
        try (ServiceWatch watch = client.watchService("web", seen::add, failures::add)) {
            await().atMost(WAIT).until(() -> seen.size() == 1);
            assertThat(seen.getFirst().endpoints()).hasSize(2);
            cluster.deregister("web", "web@02.service", m2);
            await().atMost(WAIT).until(() -> seen.size() == 2);
            assertThat(seen.get(1).endpoints()).extracting(dev.flotilla.api.ServiceEndpoint::unit)
                    .containsExactly("web@01.service");

            // The agent goes away; while it is gone the endpoints change; it comes back on the same address.
            server.close();
            await().atMost(WAIT).until(() -> !failures.isEmpty());
            cluster.endpoint("web", "web@03.service", m2, "127.0.0.3", 18003, ServiceHealth.PASSING, SINCE, null);
            server = ApiServer.start(cluster.registry, ApiSettings.on("127.0.0.1", port));
            await().atMost(WAIT).until(() -> seen.getLast().endpoints().size() == 2);
            assertThat(seen.getLast().endpoints()).extracting(dev.flotilla.api.ServiceEndpoint::unit)
                    .containsExactly("web@01.service", "web@03.service");
            assertThat(failures.getFirst().getMessage()).contains("the watch of service web at " + server.url());
        }
        int delivered = seen.size();
        cluster.deregister("web", "web@01.service", m1);
        assertThat(http.get("/v1/services/web").json().get("endpoints").size()).isEqualTo(1);
        assertThat(seen).hasSize(delivered); // closed: nothing more arrives
    }

    /** "UNIT HEALTH" of each endpoint of an {@code endpoints} frame. */
    private static List<String> healths(SseClient.Frame frame) {
        assertThat(frame).as("an endpoints frame").isNotNull();
        assertThat(frame.event()).isEqualTo("endpoints");
        List<String> out = new java.util.ArrayList<>();
        frame.data().get("endpoints").forEach(e -> out.add(e.get("unit").asText() + " " + e.get("health").asText()));
        return out;
    }
}
