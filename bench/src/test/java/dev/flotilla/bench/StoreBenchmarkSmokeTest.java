package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A seconds-long run of the store benchmark, so it cannot rot between real runs of bench/run. */
class StoreBenchmarkSmokeTest {

    @Test
    void measuresEveryBackendAndPrintsATableRowForEach() throws Exception {
        String report = BenchMain.store(200, 1, 4);
        assertThat(report).contains("| embedded, in memory |", "| embedded, durable (MVStore) |",
                "| etcd 3.4, 1 member on loopback |");
        assertThat(report.lines().filter(line -> line.startsWith("| ") && line.contains("/s"))).hasSize(3);
    }
}
