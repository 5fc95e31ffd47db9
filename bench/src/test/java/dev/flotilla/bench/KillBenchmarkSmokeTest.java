package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * One short run of failover-kill9 ({@code bench/run failover-kill9 --smoke}): two agent processes
 * from the packaged CLI jar on a real etcd, a 2 s lease, one {@code kill -9}. Only that figures come
 * out is checked, never their values.
 */
class KillBenchmarkSmokeTest {

    @Test
    void killingAnAgentProcessReportsKillToActiveElsewhere() throws Exception {
        Section section = KillBenchmark.section(KillBenchmark.run(KillBenchmark.defaultJar(), 2, 8, 1, List.of(2)));

        assertThat(section.name()).isEqualTo("failover-kill9");
        assertThat(section.markdown()).contains("Result: kill -9 → ", "| **kill -9 → all its units active elsewhere** | ");
        assertThat(section.markdown().lines().filter(line -> line.startsWith("| ") && line.contains(" ms |"))).hasSize(4);
        assertThat(section.charts()).singleElement().satisfies(c -> assertThat(c.bars())
                .isNotEmpty().allSatisfy(b -> assertThat(b.median()).isPositive()));
    }
}
