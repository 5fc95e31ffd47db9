package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.embedded.EmbeddedKvStore;

/**
 * A seconds-long run of store-cost on the embedded store (2 machines, 3 starts; an idle pair for 2 s), so it cannot
 * rot: figures come out and are sane (a start costs requests, writes among them; the idle machines renewed their
 * leases). Never their values against the goal.
 */
class StoreCostBenchmarkSmokeTest {

    @Test
    void countsRequestsPerStartAndIdleWrites() throws Exception {
        StoreCostBenchmark.Result result;
        try (KvStore store = EmbeddedKvStore.inMemory()) {
            result = StoreCostBenchmark.measure("embedded", store, 2, 3, 2, Duration.ofSeconds(2));
        }

        assertThat(result.requestsPerStart()).isPositive();
        assertThat(result.writesPerStart()).isPositive().isLessThan(result.requestsPerStart());
        assertThat(result.perStartWrites()).containsKey("txn-put units/");
        assertThat(result.idle()).containsKey("keep-alive");
        Section section = StoreCostBenchmark.section(List.of(result), 2);
        assertThat(section.name()).isEqualTo("store-cost");
        assertThat(section.markdown()).contains("Result: idle 2 machines write ", "| embedded | 3 |");
        assertThat(section.charts()).hasSize(2).allSatisfy(c -> assertThat(c.bars()).isNotEmpty());
    }
}
