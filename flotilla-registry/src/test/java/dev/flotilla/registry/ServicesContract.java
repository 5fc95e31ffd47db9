package dev.flotilla.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.flotilla.registry.RegistryEvent.EndpointChanged;
import dev.flotilla.registry.RegistryEvent.EndpointRemoved;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;

/** Service endpoints: publication on leases, reads, the full-snapshot watch, and the cluster watch's events. */
abstract class ServicesContract extends RegistryTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static ServiceEndpoint endpoint(String service, String unit, MachineId machine, int port, ServiceHealth health) {
        return new ServiceEndpoint(service, unit(unit), machine, "127.0.0.2", port, List.of("v1"), health, T0,
                Optional.of(health == ServiceHealth.PASSING ? "HTTP 200" : "connection refused"));
    }

    /** Keeps every snapshot a watch delivers. */
    static final class Snapshots {
        final List<ServiceSnapshot> seen = Collections.synchronizedList(new ArrayList<>());

        ServiceSnapshot last() {
            synchronized (seen) {
                return seen.getLast();
            }
        }
    }

    @Test
    void publishedEndpointsAreStoredAsTheContractsJsonAndListedInOrder() throws StoreException {
        long lease = lease();
        ServiceEndpoint web2 = endpoint("web", "web@2.service", M1, 18002, ServiceHealth.PASSING);
        ServiceEndpoint web1b = endpoint("web", "web@1.service", M2, 18001, ServiceHealth.CRITICAL);
        ServiceEndpoint web1a = endpoint("web", "web@1.service", M1, 18001, ServiceHealth.WARNING);
        ServiceEndpoint db = new ServiceEndpoint("db", unit("db.service"), M3, "db.local", 3306, List.of(),
                ServiceHealth.PASSING, T0, Optional.empty());
        for (ServiceEndpoint e : List.of(web2, web1b, db, web1a)) {
            assertThat(registry.services().publish(e, lease)).isTrue();
        }

        assertThat(registry.services().list()).containsExactly(db, web1a, web1b, web2);
        ServiceSnapshot web = registry.services().ofService("web");
        assertThat(web.endpoints()).containsExactly(web1a, web1b, web2);
        assertThat(web.revision()).isEqualTo(storeRevision());
        assertThat(registry.services().ofService("nobody").endpoints()).isEmpty();

        String stored = new String(store().get(root + "services/web/web@2.service/" + M1.value()).orElseThrow()
                .value(), UTF_8);
        assertThat(stored).isEqualTo("{\"service\":\"web\",\"unit\":\"web@2.service\",\"machineId\":\"" + M1.value()
                + "\",\"address\":\"127.0.0.2\",\"port\":18002,\"tags\":[\"v1\"],\"health\":\"passing\","
                + "\"since\":\"2025-01-01T00:00:00Z\",\"output\":\"HTTP 200\"}");
        assertThat(new String(store().get(root + "services/db/db.service/" + M3.value()).orElseThrow().value(), UTF_8))
                .contains("\"tags\":[]").doesNotContain("output");
    }

    @Test
    void republishingAnUnchangedEndpointWritesNothingAndAHealthChangeWritesOnce() throws StoreException {
        long lease = lease();
        ServiceEndpoint e = endpoint("web", "web.service", M1, 8080, ServiceHealth.CRITICAL);
        registry.services().publish(e, lease);

        long before = storeRevision();
        assertThat(registry.services().publish(e, lease)).isFalse();
        assertThat(storeRevision()).isEqualTo(before);

        Instant later = T0.plusSeconds(30);
        ServiceEndpoint passing = e.withHealth(ServiceHealth.PASSING, later, Optional.of("HTTP 200"));
        assertThat(passing.since()).isEqualTo(later);
        assertThat(passing.withHealth(ServiceHealth.PASSING, later.plusSeconds(5), Optional.of("HTTP 200")).since())
                .isEqualTo(later);
        assertThat(registry.services().publish(passing, lease)).isTrue();
        assertThat(registry.services().ofService("web").endpoints()).containsExactly(passing);
    }

    @Test
    void endpointsVanishWithTheirLeaseAndCanBeRemoved() throws StoreException {
        long first = lease();
        long second = lease();
        ServiceEndpoint a = endpoint("web", "web@1.service", M1, 18001, ServiceHealth.PASSING);
        ServiceEndpoint b = endpoint("web", "web@2.service", M2, 18002, ServiceHealth.PASSING);
        ServiceEndpoint c = endpoint("web", "web@3.service", M2, 18003, ServiceHealth.PASSING);
        registry.services().publish(a, first);
        registry.services().publish(b, second);
        registry.services().publish(c, second);

        store().revokeLease(first);
        assertThat(registry.services().list()).containsExactly(b, c);
        assertThatThrownBy(() -> registry.services().publish(a, first)).isInstanceOf(LeaseNotFoundException.class);

        assertThat(registry.services().remove("web", unit("web@2.service"), M2)).isTrue();
        assertThat(registry.services().remove("web", unit("web@2.service"), M2)).isFalse();
        assertThat(registry.services().list()).containsExactly(c);
    }

    @Test
    void badNamesAndValuesAreRefusedAndStrayValuesSkipped() throws StoreException {
        assertThatThrownBy(() -> registry.services().ofService("Web_1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"Web_1\" is not a service name");
        assertThatThrownBy(() -> endpoint("web", "web.service", M1, 0, ServiceHealth.PASSING))
                .hasMessageContaining("port 0 is not in 1..65535");
        assertThatThrownBy(() -> new ServiceEndpoint("web", unit("web.service"), M1, "127.0.0.1", 80, List.of(),
                ServiceHealth.PASSING, T0, Optional.of("x".repeat(513)))).hasMessageContaining("at most 512");
        assertThat(ServiceHealth.parse("Warning")).isEqualTo(ServiceHealth.WARNING);

        long lease = lease();
        ServiceEndpoint good = endpoint("web", "web@1.service", M1, 18001, ServiceHealth.PASSING);
        registry.services().publish(good, lease);
        store().put(root + "services/web/web@2.service/" + M1.value(), "{\"health\":\"sick\"}".getBytes(UTF_8));
        store().put(root + "services/web/web@3.service/" + M2.value(), Codec.encode(good)); // names another unit
        store().put(root + "services/web/stray", "x".getBytes(UTF_8));

        assertThat(registry.services().list()).containsExactly(good);
        assertThat(registry.services().ofService("web").endpoints()).containsExactly(good);
        registry.snapshot(); // the engine's snapshot reads past them too
    }

    @Test
    void watchDeliversTheFullListAtOnceAndAfterEveryChange() throws Exception {
        long lease = lease();
        ServiceEndpoint a = endpoint("web", "web@1.service", M1, 18001, ServiceHealth.CRITICAL);
        registry.services().publish(a, lease);
        Snapshots web = new Snapshots();
        Snapshots all = new Snapshots();
        try (AutoCloseable w1 = registry.services().watch("web", web.seen::add);
                AutoCloseable w2 = registry.services().watch(null, all.seen::add)) {
            assertThat(web.seen).hasSize(1);
            assertThat(web.last().endpoints()).containsExactly(a);

            ServiceEndpoint b = endpoint("web", "web@2.service", M2, 18002, ServiceHealth.PASSING);
            registry.services().publish(b, lease);
            await().atMost(WAIT).untilAsserted(() -> assertThat(web.last().endpoints()).containsExactly(a, b));

            ServiceEndpoint aPassing = a.withHealth(ServiceHealth.PASSING, T0.plusSeconds(9), Optional.of("HTTP 200"));
            registry.services().publish(aPassing, lease);
            await().atMost(WAIT).untilAsserted(() -> assertThat(web.last().endpoints()).containsExactly(aPassing, b));
            assertThat(web.last().revision()).isEqualTo(storeRevision());

            ServiceEndpoint db = endpoint("db", "db.service", M3, 3306, ServiceHealth.PASSING);
            registry.services().publish(db, lease);
            registry.services().remove("web", b.unit(), M2);
            await().atMost(WAIT).untilAsserted(() -> assertThat(web.last().endpoints()).containsExactly(aPassing));
            await().atMost(WAIT).untilAsserted(() -> assertThat(all.last().endpoints()).containsExactly(db, aPassing));
            int seenByWeb = web.seen.size();
            assertThat(seenByWeb).as("one snapshot per change of web, none for db").isEqualTo(4);

            store().revokeLease(lease);
            await().atMost(WAIT).untilAsserted(() -> assertThat(all.last().endpoints()).isEmpty());
            await().atMost(WAIT).untilAsserted(() -> assertThat(web.last().endpoints()).isEmpty());
        }
    }

    @Test
    void watchAfterCloseDeliversNothingMore() throws Exception {
        long lease = lease();
        Snapshots web = new Snapshots();
        AutoCloseable w = registry.services().watch("web", web.seen::add);
        w.close();
        registry.services().publish(endpoint("web", "web.service", M1, 80, ServiceHealth.PASSING), lease);
        Snapshots probe = new Snapshots();
        try (AutoCloseable p = registry.services().watch("web", probe.seen::add)) {
            assertThat(probe.last().endpoints()).hasSize(1);
        }
        assertThat(web.seen).hasSize(1);
    }

    @Test
    void theClusterWatchReportsRegistrationsChangesAndDeregistrations() throws Exception {
        WatchContract.Recorder recorder = new WatchContract.Recorder();
        long lease = lease();
        ServiceEndpoint e = endpoint("web", "web.service", M1, 8080, ServiceHealth.CRITICAL);
        try (Watch w = registry.watch(registry.snapshot().revision() + 1, recorder)) {
            registry.services().publish(e, lease);
            ServiceEndpoint passing = e.withHealth(ServiceHealth.PASSING, T0.plusSeconds(1), Optional.of("HTTP 200"));
            registry.services().publish(passing, lease);
            registry.services().remove("web", e.unit(), M1);
            await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.events).hasSize(3));
            assertThat(recorder.events.get(0)).isInstanceOfSatisfying(EndpointChanged.class, c -> {
                assertThat(c.endpoint()).isEqualTo(e);
                assertThat(c.created()).isTrue();
            });
            assertThat(recorder.events.get(1)).isInstanceOfSatisfying(EndpointChanged.class, c -> {
                assertThat(c.endpoint()).isEqualTo(passing);
                assertThat(c.created()).isFalse();
            });
            assertThat(recorder.events.get(2)).isInstanceOfSatisfying(EndpointRemoved.class, r -> {
                assertThat(r.service()).isEqualTo("web");
                assertThat(r.unit()).isEqualTo(e.unit());
                assertThat(r.machineId()).isEqualTo(M1);
            });
            assertThat(recorder.problems).isEmpty();
        }
    }
}
