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
        String report = BenchMain.launch(4, 2, 10, 1);
        assertThat(report).contains("## Launch", "| 1 unit: start → active | ", "| 10 template instances: ",
                "| CPU time of the cluster's JVM", "Agents fenced ");
        assertThat(report.lines().filter(line -> line.startsWith("| ") && line.contains(" ms |"))).hasSize(4);
    }

    @Test
    void failoverReportsLossToActiveElsewhere() throws Exception {
        String report = BenchMain.failover(4, 8, 1);
        assertThat(report).contains("## Failover", "| **loss → all its units active elsewhere** | ");
        assertThat(report.lines().filter(line -> line.startsWith("| ") && line.contains(" ms |"))).hasSize(3);
    }
}
