package dev.flotilla.daemon;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.InstantSource;

import org.junit.jupiter.api.Test;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.embedded.EmbeddedKvStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The metering view of a store: same answers and failures, every request counted by operation and outcome. */
class MeteredKvStoreTest {

    @Test
    void requestsAreCountedByOperationAndOutcomeAndLeaseRenewalsByResult() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (EmbeddedKvStore store = EmbeddedKvStore.inMemory()) {
            KvStore metered = new MeteredKvStore(store, registry, InstantSource.system());
            metered.put("/a", "1".getBytes(UTF_8));
            assertThat(metered.get("/a").orElseThrow().valueAsString()).isEqualTo("1");
            assertThat(metered.range("/").kvs()).hasSize(1);
            long lease = metered.grantLease(Duration.ofSeconds(30)).id();
            assertThat(metered.keepAliveOnce(lease)).isPositive();
            metered.revokeLease(lease);
            assertThatThrownBy(() -> metered.keepAliveOnce(lease)).isInstanceOf(LeaseNotFoundException.class);
            assertThatThrownBy(() -> metered.put("/b", new byte[0], lease)).isInstanceOf(LeaseNotFoundException.class);
            metered.close();
            assertThat(store.get("/a")).as("closing the view leaves the store open").isPresent();

            String scrape = registry.scrape();
            assertThat(scrape).contains("flotilla_store_requests_seconds_count{op=\"put\",outcome=\"ok\"} 1")
                    .contains("flotilla_store_requests_seconds_count{op=\"put\",outcome=\"error\"} 1")
                    .contains("flotilla_store_requests_seconds_count{op=\"get\",outcome=\"ok\"} 1")
                    .contains("flotilla_store_requests_seconds_count{op=\"keepAliveOnce\",outcome=\"error\"} 1")
                    .contains("flotilla_lease_renewals_total{result=\"ok\"} 1")
                    .contains("flotilla_lease_renewals_total{result=\"lost\"} 1")
                    .contains("flotilla_lease_renewals_total{result=\"failed\"} 0")
                    .contains("flotilla_store_connection{state=\"CONNECTED\"} 1");
            assertThat(scrape).containsPattern("flotilla_lease_last_renewal_age_seconds \\d");
        }
    }
}
