package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One short run of the CLI benchmark ({@code bench/run cli --smoke}): the real bin/flotilla against a
 * one-machine dev cluster with 5 units, each command twice. Only that the figures come out is checked,
 * never against the goal.
 */
class CliBenchmarkSmokeTest {

    @Test
    void everyCommandIsTimed() throws Exception {
        CliBenchmark.Result result = CliBenchmark.run(KillBenchmark.defaultJar(), 1, 5, 2);
        assertThat(result.timings()).hasSize(6);
        for (CliBenchmark.Timing timing : result.timings()) {
            assertThat(timing.millis()).as(timing.variant().label()).hasSize(2);
            assertThat(java.util.Arrays.stream(timing.millis()).min().orElseThrow()).isPositive();
        }
        Section section = CliBenchmark.section(result);
        assertThat(section.name()).isEqualTo("cli");
        assertThat(section.markdown()).contains("`bin/flotilla list-units`", "Result: ");
        assertThat(section.charts()).singleElement().satisfies(chart -> assertThat(chart.bars()).hasSize(12));
    }
}
