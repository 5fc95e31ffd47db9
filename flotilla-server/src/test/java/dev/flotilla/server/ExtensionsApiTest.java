package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.UnschedulableRecord.Reason;

/** Flotilla's {@code /v1/} extensions: health, placement with unschedulable reasons, status and journal. */
class ExtensionsApiTest extends ApiTestBase {

    private final MachineId m1 = Cluster.id('1');
    private final MachineId m2 = Cluster.id('2');

    @Test
    void healthIsOkWhenTheStoreAnswers() {
        Http.Response r = http.get("/v1/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void placementNamesTheMachineOrTheReasonsPerMachine() throws Exception {
        cluster.machine(m1, "10.0.0.1", Map.of());
        cluster.machine(m2, "10.0.0.2", Map.of());
        cluster.submit("a.service", "[Service]\nExecStart=/bin/true\n", DesiredState.LAUNCHED);
        cluster.submit("b.service", "[Service]\nExecStart=/bin/true\n", DesiredState.LAUNCHED);
        cluster.place("a.service", m1);
        cluster.unschedulable("b.service", Reason.on(m1, "conflicts with a.service"),
                Reason.on(m2, "metadata region=us does not match"));

        JsonNode a = http.get("/v1/units/a.service/placement").json();
        assertThat(a.get("machineID").asText()).isEqualTo(m1.value());
        assertThat(a.get("unschedulable")).isEmpty();

        Http.Response b = http.get("/v1/units/b.service/placement?alt=json");
        assertThat(b.status()).isEqualTo(200);
        assertThat(b.body()).isEqualTo("{\"name\":\"b.service\",\"desiredState\":\"launched\",\"unschedulable\":["
                + "{\"machineID\":\"" + m1 + "\",\"reason\":\"conflicts with a.service\"},"
                + "{\"machineID\":\"" + m2 + "\",\"reason\":\"metadata region=us does not match\"}]}");
        assertThat(http.get("/v1/units/c.service/placement").status()).isEqualTo(404);
    }

    @Test
    void statusAndJournalAre501WithoutAnAgent() throws Exception {
        cluster.submit("a.service", "[Service]\nExecStart=/bin/true\n", DesiredState.LAUNCHED);
        Http.Response status = http.get("/v1/units/a.service/status");
        assertThat(status.status()).isEqualTo(501);
        assertThat(status.errorMessage()).contains("agent");
        Http.Response journal = http.get("/v1/units/a.service/journal?lines=20");
        assertThat(journal.status()).isEqualTo(501);
    }

    @Test
    void metricsCountRequestsByRouteTemplateAndStatusInPrometheusTextFormat() {
        assertThat(http.get("/fleet/v1/units/a.service").status()).isEqualTo(404);
        assertThat(http.get("/fleet/v1/units/b.service").status()).isEqualTo(404);
        Http.Response r = http.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain; version=0.0.4");
        assertThat(r.body()).contains("# TYPE flotilla_api_requests_seconds summary")
                .contains("flotilla_api_requests_seconds_count{method=\"GET\",route=\"/fleet/v1/units/{name}\","
                        + "status=\"404\"} 2")
                .contains("flotilla_events_subscribers 0")
                .doesNotContain("a.service");
    }
}
