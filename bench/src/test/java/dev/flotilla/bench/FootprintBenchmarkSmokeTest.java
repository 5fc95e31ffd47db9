package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * One short run of the footprint benchmark ({@code bench/run footprint --smoke}): one agent process
 * from the packaged CLI jar on a real etcd, bin/flotilla's flags alone, 2 s windows with 0 and 5
 * units. Only that the table comes out is checked, never its values.
 */
class FootprintBenchmarkSmokeTest {

    @Test
    void anIdleAgentProcessReportsItsMemoryAndCpu() throws Exception {
        String report = BenchMain.footprint(KillBenchmark.defaultJar(), List.of(List.of()), 5, 2, 0);
        assertThat(report).contains("## Agent footprint", "| (none: the defaults) | 0 | ", "| (none: the defaults) | 5 | ");
        assertThat(report.lines().filter(line -> line.startsWith("| (none") && line.contains(" MiB |"))).hasSize(2);
    }
}
