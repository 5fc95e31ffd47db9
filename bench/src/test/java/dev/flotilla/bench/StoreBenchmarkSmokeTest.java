package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A seconds-long run of the store benchmark, so it cannot rot between real runs of bench/run. */
class StoreBenchmarkSmokeTest {

    @Test
    void measuresEveryBackendAndPrintsATableRowForEach() throws Exception {
        Section section = BenchMain.store(200, 1, 4);
        String report = section.markdown();
        assertThat(report).contains("| embedded, in memory |", "| embedded, durable (MVStore) |",
                "| etcd 3.4, 1 member on loopback |");
        assertThat(report.lines().filter(line -> line.startsWith("| ") && line.contains("/s"))).hasSize(3);
        assertThat(section.charts()).extracting(Chart::id).containsExactly("throughput", "watch-latency");
        assertThat(section.charts().getFirst().bars()).hasSize(15).allSatisfy(bar -> assertThat(bar.median()).isPositive());
    }
}
