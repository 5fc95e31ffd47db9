package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Seconds-long runs of the launch and failover benchmarks on a 4-machine dev cluster, so they
 * cannot rot between real runs of bench/run. Only that figures come out is checked, never their values.
 */
class ClusterBenchmarkSmokeTest {

    @Test
    void launchReportsSingleUnitAndBulkFigures() throws Exception {
        Section section = ClusterBenchmark.section(ClusterBenchmark.launch(4, 2, 10, 1));

        assertThat(section.name()).isEqualTo("launch");
        assertThat(section.markdown()).contains("Result: 1 unit start → active p99 ", "| 1 unit: start → active | ", "| 10 template instances: ",
                "| CPU time of the cluster's JVM", "Agents fenced ", "| of which start → placed");
        assertThat(section.markdown().lines().filter(line -> line.startsWith("| ") && line.contains(" ms |"))).hasSize(5);
        assertThat(section.charts()).singleElement().satisfies(c -> assertThat(c.bars()).hasSize(2)
                .allSatisfy(b -> assertThat(b.median()).isPositive()));
    }

    @Test
    void failoverReportsLossToActiveElsewhere() throws Exception {
        Section section = ClusterBenchmark.section(ClusterBenchmark.failover(4, 8, 1));

        assertThat(section.name()).isEqualTo("failover");
        assertThat(section.markdown()).contains("Result: machine lost → ", "| **loss → all its units active elsewhere** | ");
        assertThat(section.markdown().lines().filter(line -> line.startsWith("| ") && line.contains(" ms |"))).hasSize(3);
        assertThat(section.charts()).singleElement().satisfies(c -> assertThat(c.bars()).hasSize(6));
    }
}
