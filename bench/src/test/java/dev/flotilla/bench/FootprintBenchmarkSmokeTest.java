package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * One short run of the footprint benchmark ({@code bench/run footprint --smoke}): the old {@code java -jar} agent
 * and {@code bin/flotilla agent} with its AOT cache (made first, as the script makes it), each on a real etcd,
 * 2 s windows with 0 and 5 units. Only that the figures come out is checked, never their values.
 */
class FootprintBenchmarkSmokeTest {

    @Test
    void idleAgentProcessesReportTheirMemoryAndCpu() throws Exception {
        Section section = FootprintBenchmark.section(KillBenchmark.defaultJar(), List.of(), 5, Duration.ofSeconds(2),
                Duration.ZERO, true);
        assertThat(section.name()).isEqualTo("footprint");
        assertThat(section.markdown()).contains("| before: `java -XX:+UseSerialGC -jar flotilla.jar agent` | 0 | ",
                "| `bin/flotilla agent` with its AOT cache | 5 | ").doesNotContain("failed");
        assertThat(section.charts()).singleElement().satisfies(chart -> {
            assertThat(chart.bars()).hasSize(8);
            assertThat(chart.bars()).allMatch(bar -> bar.median() > 0);
        });
    }
}
