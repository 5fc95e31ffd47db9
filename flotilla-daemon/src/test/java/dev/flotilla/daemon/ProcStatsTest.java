package dev.flotilla.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.flotilla.api.MachineStats;
import dev.flotilla.testkit.WorkDirs;

/** A machine's stats as {@code GET /v1/machines/{id}/stats} serves them: this machine's real /proc, and a fixed one. */
class ProcStatsTest {

    @Test
    void thisMachinesProcGivesSaneFigures() throws IOException {
        ProcStats proc = new ProcStats(Path.of("/proc"));
        for (int i = 0; i < 2; i++) { // the second read uses the first as its previous reading
            MachineStats s = proc.read("m1");
            assertThat(s.machine()).isEqualTo("m1");
            assertThat(s.load1()).isNotNegative();
            assertThat(s.cpus()).isPositive();
            assertThat(s.cpuUsedPercent()).isBetween(0.0, 100.0);
            assertThat(s.memoryTotalBytes()).isPositive();
            assertThat(s.memoryUsedBytes()).isPositive().isLessThan(s.memoryTotalBytes());
            assertThat(s.at()).endsWith("Z");
        }
    }

    @Test
    void loadAndMemoryAreReadAsTheKernelWritesThem() throws IOException {
        Path dir = WorkDirs.create("proc-fixture");
        Files.writeString(dir.resolve("loadavg"), "1.50 0.75 0.25 3/512 4242\n");
        Files.writeString(dir.resolve("meminfo"), "MemTotal:        1000 kB\nMemFree:          100 kB\n"
                + "MemAvailable:     400 kB\nBuffers:           10 kB\n");
        Files.writeString(dir.resolve("stat"), "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 100 0 50 800 50 0 0 0 0 0\n");
        MachineStats s = new ProcStats(dir).read("m1");
        assertThat(s.load1()).isEqualTo(1.5);
        assertThat(s.load5()).isEqualTo(0.75);
        assertThat(s.load15()).isEqualTo(0.25);
        assertThat(s.memoryTotalBytes()).isEqualTo(1000 * 1024);
        assertThat(s.memoryUsedBytes()).isEqualTo(600 * 1024);
        assertThat(s.cpuUsedPercent()).as("no CPU time passed between the two readings").isZero();

        Files.writeString(dir.resolve("meminfo"), "MemTotal:        1000 kB\n");
        assertThatThrownBy(() -> new ProcStats(dir).read("m1")).isInstanceOf(IOException.class)
                .hasMessageContaining("meminfo has no MemAvailable line");
    }
}
