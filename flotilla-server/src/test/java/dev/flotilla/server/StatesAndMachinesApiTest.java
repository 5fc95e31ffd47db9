package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.MachineId;

/** {@code /fleet/v1/state}, {@code /fleet/v1/machines}, and fleet's currentState mapping. */
class StatesAndMachinesApiTest extends ApiTestBase {

    private static final String PLAIN = "[Service]\nExecStart=/bin/sleep 1000\n";
    private final MachineId m1 = Cluster.id('1');
    private final MachineId m2 = Cluster.id('2');

    private JsonNode unit(String name) {
        return http.get("/fleet/v1/units/" + name).json();
    }

    @Test
    void machinesShowIdPrimaryIpAndSortedMetadata() throws Exception {
        cluster.machine(m2, "10.0.0.2", Map.of());
        cluster.machine(m1, "10.0.0.1", Map.of("region", "us", "disk", "ssd"));

        Http.Response r = http.get("/fleet/v1/machines?alt=json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"machines\":["
                + "{\"id\":\"" + m1 + "\",\"primaryIP\":\"10.0.0.1\",\"metadata\":{\"disk\":\"ssd\",\"region\":\"us\"}},"
                + "{\"id\":\"" + m2 + "\",\"primaryIP\":\"10.0.0.2\"}]}");
    }

    @Test
    void patchOfMachineMetadataIs501WithAClearMessage() {
        Http.Response r = http.patch("/fleet/v1/machines",
                "[{\"op\":\"add\",\"path\":\"/" + m1 + "/metadata/region\",\"value\":\"us\"}]");
        assertThat(r.status()).isEqualTo(501);
        assertThat(r.errorMessage()).contains("--metadata");
    }

    @Test
    void statesShowWhatAgentsPublishFilteredByUnitAndMachine() throws Exception {
        cluster.machine(m1, "10.0.0.1", Map.of());
        cluster.machine(m2, "10.0.0.2", Map.of());
        cluster.submit("a.service", PLAIN, DesiredState.LAUNCHED);
        cluster.submit("b.service", PLAIN, DesiredState.LAUNCHED);
        cluster.publish("b.service", m2, "loaded", "active", "running");
        cluster.publish("a.service", m1, "loaded", "activating", "start-pre");

        JsonNode all = http.get("/fleet/v1/state?alt=json").json().get("states");
        assertThat(all).hasSize(2);
        assertThat(all.get(0).get("name").asText()).isEqualTo("a.service");
        assertThat(all.get(0).get("machineID").asText()).isEqualTo(m1.value());
        assertThat(all.get(0).get("systemdLoadState").asText()).isEqualTo("loaded");
        assertThat(all.get(0).get("systemdActiveState").asText()).isEqualTo("activating");
        assertThat(all.get(0).get("systemdSubState").asText()).isEqualTo("start-pre");
        assertThat(all.get(0).get("hash").asText()).hasSize(40);

        assertThat(http.get("/fleet/v1/state?machineID=" + m2).json().get("states")).hasSize(1);
        assertThat(http.get("/fleet/v1/state?unitName=a.service&machineID=" + m2).json().get("states")).isEmpty();
        assertThat(http.get("/fleet/v1/state?unitName=not-a-name").json().get("states")).isEmpty();
        JsonNode one = http.get("/fleet/v1/state/b.service").json();
        assertThat(one.get("machineID").asText()).isEqualTo(m2.value());
        assertThat(http.get("/fleet/v1/state/c.service").status()).isEqualTo(404);
    }

    @Test
    void currentStateFollowsPlacementAndTheAgentsReport() throws Exception {
        cluster.machine(m1, "10.0.0.1", Map.of());
        cluster.submit("a.service", PLAIN, DesiredState.LAUNCHED);
        assertThat(unit("a.service").get("currentState").asText()).isEqualTo("inactive");
        assertThat(unit("a.service").has("machineID")).isFalse();

        cluster.place("a.service", m1);
        assertThat(unit("a.service").get("currentState").asText()).isEqualTo("inactive");
        assertThat(unit("a.service").get("machineID").asText()).isEqualTo(m1.value());

        cluster.publish("a.service", m1, "loaded", "inactive", "dead");
        assertThat(unit("a.service").get("currentState").asText()).isEqualTo("loaded");
        cluster.publish("a.service", m1, "loaded", "activating", "start-pre");
        assertThat(unit("a.service").get("currentState").asText()).isEqualTo("launched");
        cluster.publish("a.service", m1, "loaded", "failed", "failed");
        assertThat(unit("a.service").get("currentState").asText()).isEqualTo("launched");
        cluster.publish("a.service", m1, "loaded", "active", "running");
        assertThat(http.get("/fleet/v1/units").json().get("units").get(0).get("currentState").asText())
                .isEqualTo("launched");

        http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"loaded\"}");
        cluster.publish("a.service", m1, "loaded", "failed", "failed");
        assertThat(unit("a.service").get("currentState").asText()).isEqualTo("loaded");

        http.put("/fleet/v1/units/a.service", "{\"desiredState\":\"inactive\"}");
        assertThat(unit("a.service").get("currentState").asText()).isEqualTo("inactive");
        assertThat(unit("a.service").has("machineID")).isFalse();
    }

    @Test
    void globalUnitsHaveNoCurrentStateOrMachine() throws Exception {
        cluster.machine(m1, "10.0.0.1", Map.of());
        cluster.submit("g.service", PLAIN + "[X-Fleet]\nGlobal=true\n", DesiredState.LAUNCHED);
        cluster.publish("g.service", m1, "loaded", "active", "running");

        JsonNode unit = unit("g.service");
        assertThat(unit.has("currentState")).isFalse();
        assertThat(unit.has("machineID")).isFalse();
        assertThat(unit.get("desiredState").asText()).isEqualTo("launched");
    }
}
