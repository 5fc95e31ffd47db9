package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One short run of the lb benchmark ({@code bench/run lb --smoke}) with only what bin/test installs:
 * 4 busybox httpd backends, HAProxy, and a Java load loop instead of wrk, 1 s per target. The
 * nginx rows run when nginx is installed and say "not available" otherwise; so do Flotilla's rows
 * while the CLI jar has no {@code lb} command. Only that the table comes out is checked, with
 * requests answered through each HAProxy mode, never the values.
 */
class LbBenchmarkSmokeTest {

    @Test
    void theSameBackendsAnswerThroughEachBalancer() throws Exception {
        Section section = BenchMain.lb(KillBenchmark.defaultJar(), LbBenchmark.Settings.smokeRun());
        String report = section.markdown();
        assertThat(section.title()).startsWith("Load balancer");
        assertThat(section.charts()).extracting(Chart::id).containsExactly("requests", "latency");
        assertThat(section.charts().getFirst().bars()).isNotEmpty().allSatisfy(bar -> assertThat(bar.median()).isPositive());
        assertThat(report).contains("| direct to one backend (no balancer) | http | ",
                "| direct to all 4 backends, load split 4 ways (no balancer) | http | ");
        assertThat(report.lines().filter(line -> line.startsWith("| HAProxy ")))
                .hasSize(2)
                .allSatisfy(line -> assertThat(line).matches("\\| HAProxy \\S+ \\| (http|tcp) \\| [1-9][\\d,]* \\(.*\\| 0 \\|"));
        assertThat(report.lines().filter(line -> line.startsWith("| nginx"))).hasSize(2);
        assertThat(report.lines().filter(line -> line.startsWith("| Flotilla `flotilla lb` |"))).hasSize(2);
    }
}
