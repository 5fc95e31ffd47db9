package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.EndpointUnreachableException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Machine;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.api.UnitPlacement;
import dev.flotilla.api.UnitState;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.UnschedulableRecord.Reason;

/** {@link FleetClient} against a real {@link ApiServer}: every call, paging, and its failures. */
class FleetClientTest extends ApiTestBase {

    private FleetClient client;

    @Override
    ApiSettings settings() {
        return ApiSettings.on("127.0.0.1", 0).withPageSize(3);
    }

    @BeforeEach
    void connect() {
        client = new FleetClient(server.url(), Duration.ofSeconds(5));
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void submitsReadsChangesAndDestroysUnits() throws Exception {
        String text = "# kept\n[Service]\nExecStart=/bin/sleep 1000\n";
        List<UnitOption> options = List.of(new UnitOption("Service", "ExecStart", "/bin/sleep 1000"));
        assertThat(client.putUnit(Unit.submission("a.service", options, text, null))).isTrue();
        assertThat(client.putUnit(Unit.submission("a.service", options, text, null))).isFalse();

        Unit a = client.unit("a.service").orElseThrow();
        assertThat(a.contents()).isEqualTo(text);
        assertThat(a.options()).isEqualTo(options);
        assertThat(a.desiredState()).isEqualTo("inactive");
        assertThat(a.currentState()).isEqualTo("inactive");

        client.setDesiredState("a.service", DesiredState.LOADED);
        assertThat(client.unit("a.service").orElseThrow().desiredState()).isEqualTo("loaded");
        assertThat(client.destroyUnit("a.service")).isTrue();
        assertThat(client.destroyUnit("a.service")).isFalse();
        assertThat(client.unit("a.service")).isEmpty();
    }

    @Test
    void listsFollowEveryPage() throws Exception {
        for (int i = 0; i < 8; i++) {
            client.putUnit(Unit.submission("u" + i + ".service",
                    List.of(new UnitOption("Service", "ExecStart", "/bin/true")), null, DesiredState.LAUNCHED));
        }
        List<Unit> units = client.units();
        assertThat(units).extracting(Unit::name).containsExactly("u0.service", "u1.service", "u2.service",
                "u3.service", "u4.service", "u5.service", "u6.service", "u7.service");
        assertThat(units).allSatisfy(u -> assertThat(u.contents()).isNull());

        MachineId m = Cluster.id('a');
        cluster.machine(m, "10.0.0.9", Map.of("region", "eu"));
        for (int i = 0; i < 8; i++) {
            cluster.publish("u" + i + ".service", m, "loaded", "active", "running");
        }
        assertThat(client.states(null, null)).hasSize(8);
        assertThat(client.states(m.value(), "u3.service")).singleElement().extracting(UnitState::systemdSubState)
                .isEqualTo("running");
        assertThat(client.machines()).containsExactly(new Machine(m.value(), "10.0.0.9", Map.of("region", "eu")));
    }

    @Test
    void placementCarriesTheEnginesReasons() throws Exception {
        MachineId m = Cluster.id('b');
        cluster.machine(m, "10.0.0.2", Map.of());
        client.putUnit(Unit.submission("a.service", List.of(new UnitOption("Service", "ExecStart", "/bin/true")), null,
                DesiredState.LAUNCHED));
        cluster.unschedulable("a.service", Reason.on(m, "conflicts with b.service"), Reason.everywhere("no luck"));

        UnitPlacement placement = client.placement("a.service").orElseThrow();
        assertThat(placement.machineID()).isNull();
        assertThat(placement.unschedulable()).containsExactly(new UnitPlacement.Refusal(m.value(), "conflicts with b.service"),
                new UnitPlacement.Refusal(null, "no luck"));
        assertThat(client.placement("nope.service")).isEmpty();
        assertThat(client.health().status()).isEqualTo("ok");
    }

    @Test
    void refusalsCarryTheServersStatusAndMessage() {
        assertThatThrownBy(() -> client.putUnit(Unit.submission("bad.service", List.of(),
                "[Service]\nno equals here\n", null)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith("bad.service:2:");
                });
        assertThatThrownBy(() -> client.setDesiredState("nope.service", DesiredState.LAUNCHED))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void anEndpointWhereNothingListensIsUnreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (FleetClient nowhere = new FleetClient(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(2))) {
            assertThatThrownBy(nowhere::units).isInstanceOf(EndpointUnreachableException.class)
                    .hasMessageContaining("cannot connect to the API at http://127.0.0.1:" + port);
        }
    }

    @Test
    void anEndpointThatIsNotTheApiSaysSo() {
        URI elsewhere = URI.create(server.url() + "/not-the-api");
        try (FleetClient wrong = new FleetClient(elsewhere, Duration.ofSeconds(2))) {
            assertThatThrownBy(wrong::units).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.getMessage()).contains("/not-the-api/fleet/v1/units");
            });
        }
    }

    @Test
    void onlyHttpEndpointsAreAccepted() {
        assertThatThrownBy(() -> new FleetClient(URI.create("unix:///var/run/fleet.sock"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unix sockets");
    }
}
