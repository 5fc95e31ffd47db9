package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One short run of failover-kill9 ({@code bench/run failover-kill9 --smoke}): two agent processes
 * from the packaged CLI jar on a real etcd, a 2 s lease, one {@code kill -9}. Only that figures come
 * out is checked, never their values.
 */
class KillBenchmarkSmokeTest {

    @Test
    void killingAnAgentProcessReportsKillToActiveElsewhere() throws Exception {
        String report = BenchMain.failoverKill9(KillBenchmark.defaultJar(), 2, 8, 1, 2);
        assertThat(report).contains("## Failover: kill -9", "| **kill -9 → all its units active elsewhere** | ");
        assertThat(report.lines().filter(line -> line.startsWith("| ") && line.contains(" ms |"))).hasSize(4);
    }
}
