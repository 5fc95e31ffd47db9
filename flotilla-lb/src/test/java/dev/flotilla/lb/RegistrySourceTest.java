package dev.flotilla.lb;

import static dev.flotilla.lb.LbTestSupport.anyPort;
import static dev.flotilla.lb.LbTestSupport.get;
import static dev.flotilla.lb.LbTestSupport.spread;
import static dev.flotilla.lb.LbTestSupport.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.flotilla.api.FleetClient;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.ServiceEndpoint;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.server.ApiServer;
import dev.flotilla.server.ApiSettings;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.testkit.WorkDirs;
import dev.flotilla.unit.UnitName;

/**
 * The registry's service endpoints in a real etcd, published on leases as agents publish them, followed live by a
 * balancer over etcd and over a real API server's watch stream: endpoints come and go, health flips both ways, a
 * revoked lease (a dead machine) takes its endpoints away, and a deleted endpoint leaves the pool well within the
 * agents' drain delay.
 */
class RegistrySourceTest {

    /** How a balancer reaches the registry. */
    enum Via { ETCD, API }

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The agents' default DrainDelay=: an endpoint deleted on a stop must be out of the pool before it elapses. */
    private static final Duration DRAIN_DELAY = Duration.ofSeconds(1);
    private static final LbConfig HTTP_CONFIG = LbConfig.of("web", anyPort(), LbConfig.Mode.HTTP);
    private static final MachineId M1 = machine('1');
    private static final MachineId M2 = machine('2');

    private static EtcdServer etcd;
    private static KvStore store;

    private final List<HttpBackend> backends = new ArrayList<>();
    private final List<Long> leases = new ArrayList<>();
    private Registry registry;
    private ApiServer server;
    private LoadBalancer lb;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdServer.startNew();
        store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()));
    }

    @AfterAll
    static void stopEtcd() {
        if (store != null) {
            store.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (lb != null) {
            lb.close();
        }
        if (server != null) {
            server.close();
        }
        for (HttpBackend b : backends) {
            b.close();
        }
        for (long lease : leases) {
            store.revokeLease(lease);
        }
    }

    private static MachineId machine(char digit) {
        return new MachineId(String.valueOf(digit).repeat(MachineId.LENGTH));
    }

    /** A source of {@code service} under a registry root of this test's own, over {@code via}. */
    private RegistrySource source(Via via, String service) throws Exception {
        registry = Registry.create(store, "/lb-" + UUID.randomUUID() + "/", InstantSource.system());
        if (via == Via.ETCD) {
            return RegistrySource.overEtcd(service, registry.services(), etcd.endpoint());
        }
        server = ApiServer.start(registry, ApiSettings.on("127.0.0.1", 0));
        return RegistrySource.overApi(service, new FleetClient(server.url(), Duration.ofSeconds(10)));
    }

    private long lease() throws Exception {
        long id = store.grantLease(Duration.ofSeconds(60)).id();
        leases.add(id);
        return id;
    }

    private void publish(HttpBackend b, String unit, MachineId m, ServiceHealth health, long lease) throws Exception {
        registry.services().publish(new ServiceEndpoint("web", UnitName.parse(unit), m, b.host(), b.port(), List.of(),
                health, Instant.now(), Optional.empty()), lease);
    }

    private HttpBackend backend(String name, String host) throws Exception {
        HttpBackend b = HttpBackend.start(WorkDirs.create("lb-registry"), name, host);
        backends.add(b);
        return b;
    }

    private LoadBalancer start(RegistrySource source) throws Exception {
        lb = new LoadBalancer(HTTP_CONFIG, source);
        lb.start();
        return lb;
    }

    private List<String> ids() {
        return lb.status().backends().stream().map(AdminHandler.BackendStatus::id).toList();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void passingEndpointsComeInAndFailingOrDeletedOnesGoOutLive(Via via) throws Exception {
        HttpBackend web01 = backend("web01", "127.0.0.51");
        HttpBackend web02 = backend("web02", "127.0.0.52");
        RegistrySource source = source(via, "web");
        long lease1 = lease();
        publish(web01, "web@01.service", M1, ServiceHealth.PASSING, lease1);

        start(source);
        assertThat(lb.backendsInRotation()).isEqualTo(1);
        assertThat(ids()).containsExactly("web@01.service");
        assertThat(spread(lb, 4)).containsExactlyEntriesOf(Map.of("web01", 4));

        long lease2 = lease();
        publish(web02, "web@02.service", M2, ServiceHealth.CRITICAL, lease2);
        await().atMost(WAIT).until(() -> ids().size() == 2);
        assertThat(lb.backendsInRotation()).as("a critical endpoint gets no traffic").isEqualTo(1);

        publish(web02, "web@02.service", M2, ServiceHealth.PASSING, lease2);
        await().atMost(WAIT).until(() -> lb.backendsInRotation() == 2);
        assertThat(spread(lb, 4)).containsExactlyInAnyOrderEntriesOf(Map.of("web01", 2, "web02", 2));

        publish(web01, "web@01.service", M1, ServiceHealth.WARNING, lease1);
        await().atMost(WAIT).until(() -> lb.backendsInRotation() == 1);
        assertThat(spread(lb, 4)).as("only passing endpoints get traffic").containsExactlyEntriesOf(Map.of("web02", 4));

        publish(web01, "web@01.service", M1, ServiceHealth.PASSING, lease1);
        await().atMost(WAIT).until(() -> lb.backendsInRotation() == 2);

        registry.services().remove("web", UnitName.parse("web@02.service"), M2);
        await().atMost(WAIT).until(() -> ids().equals(List.of("web@01.service")));
        assertThat(spread(lb, 4)).containsExactlyEntriesOf(Map.of("web01", 4));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aRevokedLeaseTakesTheMachinesEndpointsAway(Via via) throws Exception {
        HttpBackend web01 = backend("web01", "127.0.0.53");
        HttpBackend web02 = backend("web02", "127.0.0.54");
        RegistrySource source = source(via, "web");
        long lease1 = lease();
        long lease2 = lease();
        publish(web01, "web@01.service", M1, ServiceHealth.PASSING, lease1);
        publish(web02, "web@02.service", M2, ServiceHealth.PASSING, lease2);
        start(source);
        await().atMost(WAIT).until(() -> lb.backendsInRotation() == 2);

        store.revokeLease(lease2);

        await().atMost(WAIT).until(() -> ids().equals(List.of("web@01.service")));
        assertThat(spread(lb, 4)).containsExactlyEntriesOf(Map.of("web01", 4));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aUnitOnTwoMachinesIsTwoBackendsNamedByMachine(Via via) throws Exception {
        HttpBackend a = backend("a", "127.0.0.55");
        HttpBackend b = backend("b", "127.0.0.56");
        RegistrySource source = source(via, "web");
        long lease = lease();
        publish(a, "web.service", M1, ServiceHealth.PASSING, lease);
        publish(b, "web.service", M2, ServiceHealth.PASSING, lease);

        start(source);

        assertThat(ids()).containsExactly("web.service@" + M1.shortId(), "web.service@" + M2.shortId());
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aDeletedEndpointLeavesThePoolWithinTheDrainDelayAndNoRequestFails(Via via) throws Exception {
        HttpBackend web01 = backend("web01", "127.0.0.57");
        HttpBackend web02 = backend("web02", "127.0.0.58");
        RegistrySource source = source(via, "web");
        long lease = lease();
        publish(web01, "web@01.service", M1, ServiceHealth.PASSING, lease);
        publish(web02, "web@02.service", M2, ServiceHealth.PASSING, lease);
        start(source);
        await().atMost(WAIT).until(() -> lb.backendsInRotation() == 2);

        // As an agent stops web@02: delete the endpoint, wait the drain delay, only then stop the process.
        long deleted = System.nanoTime();
        registry.services().remove("web", UnitName.parse("web@02.service"), M2);
        await().atMost(DRAIN_DELAY).pollInterval(Duration.ofMillis(5)).until(() -> lb.backendsInRotation() == 1);
        System.out.printf("[%s] the deleted endpoint left the pool after %d ms%n", via,
                Duration.ofNanos(System.nanoTime() - deleted).toMillis());
        web02.close();

        for (int i = 0; i < 20; i++) {
            assertThat(get(url(lb, "/")).body()).isEqualTo("web01\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aServiceNobodyRegistersYetIsNotAnErrorButWaits(Via via) throws Exception {
        HttpBackend web01 = backend("web01", "127.0.0.59");
        RegistrySource source = source(via, "web");
        start(source);
        assertThat(lb.backendsInRotation()).isZero();
        assertThat(lb.backendLines()).isEmpty();
        assertThat(spread(lb, 1)).containsOnlyKeys("HTTP 502");

        publish(web01, "web@01.service", M1, ServiceHealth.PASSING, lease());

        await().atMost(WAIT).until(() -> lb.backendsInRotation() == 1);
        assertThat(spread(lb, 2)).containsExactlyEntriesOf(Map.of("web01", 2));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void anUnreachableSourceFailsTheStartNamingIt(Via via) throws Exception {
        String endpoint = "http://127.0.0.1:" + FreePorts.next();
        if (via == Via.API) {
            FleetClient client = new FleetClient(URI.create(endpoint), Duration.ofSeconds(2));
            RegistrySource source = RegistrySource.overApi("web", client);
            assertThat(source.describe()).isEqualTo("registry:web via " + endpoint);
            assertThatThrownBy(() -> new LoadBalancer(HTTP_CONFIG, source).start())
                    .isInstanceOf(BackendSourceException.class)
                    .hasMessageStartingWith("cannot watch service web via " + endpoint + ": ");
            return;
        }
        try (KvStore dead = EtcdKvStore.connect(EtcdConfig.of(endpoint)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2)))) {
            RegistrySource source = RegistrySource.overEtcd("web", Registry.create(dead).services(), endpoint);
            assertThatThrownBy(() -> new LoadBalancer(HTTP_CONFIG, source).start())
                    .isInstanceOf(BackendSourceException.class)
                    .hasMessageStartingWith("cannot watch service web via " + endpoint + ": ");
        }
    }
}
