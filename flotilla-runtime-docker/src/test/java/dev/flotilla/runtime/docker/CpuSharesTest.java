package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitDefinition;

/**
 * The tutorial's {@code docker run --name=avgjoe loadme stress --cpu 2} beside {@code docker run
 * --name=luckyjim -c 2048 loadme stress --cpu 2}: under contention for a CPU, luckyjim gets about twice
 * avgjoe's CPU time. Both burn CPU 0 only ({@code taskset}, inside the containers): on a machine with few CPUs
 * the scheduler may otherwise give each container a CPU of its own, and there is no contention to share.
 * Measured from the containers' cgroups and printed; asserted only loosely (other work on the machine uses
 * that CPU too).
 */
class CpuSharesTest extends DockerTestSupport {

    /** The window: the two together have used this much CPU time. */
    private static final Duration WINDOW = Duration.ofSeconds(2);

    @Test
    void twiceTheSharesGetAboutTwiceTheCpuUnderContention() throws Exception {
        String burn = "/bin/sh -c 'echo burning CPU 0; exec taskset -c 0 sh -c \"while :; do :; done\"'";
        UnitDefinition avgjoe = unit("avgjoe-" + id + ".container", """
                [Container]
                Image=%s
                Exec=%s
                """.formatted(image, burn));
        UnitDefinition luckyjim = unit("luckyjim-" + id + ".container", """
                [Container]
                Image=%s
                CPUShares=2048
                Exec=%s
                """.formatted(image, burn));

        UnitStatus joe = start(avgjoe);
        UnitStatus jim = start(luckyjim);
        awaitJournal(avgjoe.name(), "burning");
        awaitJournal(luckyjim.name(), "burning");
        assertThat(jim.limits()).singleElement().satisfies(l -> assertThat(l.detail()).contains("2048"));

        Path joeUsage = usageFile(joe.mainPid().getAsLong());
        Path jimUsage = usageFile(jim.mainPid().getAsLong());
        // warm up: both burn before the window opens
        await().atMost(BOUND).until(() -> nanos(joeUsage) > 300_000_000L && nanos(jimUsage) > 300_000_000L);
        long joe0 = nanos(joeUsage);
        long jim0 = nanos(jimUsage);
        long t0 = System.nanoTime();
        // the window: until the two together have used WINDOW's worth of the CPU
        long budget = WINDOW.toNanos();
        await().atMost(BOUND).until(() -> nanos(joeUsage) - joe0 + nanos(jimUsage) - jim0 >= budget);
        long joeUsed = nanos(joeUsage) - joe0;
        long jimUsed = nanos(jimUsage) - jim0;
        double seconds = (System.nanoTime() - t0) / 1e9;
        double ratio = (double) jimUsed / Math.max(1, joeUsed);
        System.out.printf(Locale.ROOT, "CPU shares under contention for one CPU (%.1f s): luckyjim (2048 shares) "
                + "%.2f CPU-s, avgjoe (1024 shares) %.2f CPU-s, ratio %.2f (expected about 2)%n", seconds,
                jimUsed / 1e9, joeUsed / 1e9, ratio);

        assertThat(ratio).as("luckyjim gets clearly more CPU than avgjoe").isGreaterThan(1.3);
    }

    /** The container's CPU time counter: cgroup v1 {@code cpuacct.usage} (ns), else v2 {@code cpu.stat} (us). */
    private static Path usageFile(long pid) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"));
        for (String line : lines) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains("cpuacct")) {
                return Path.of("/sys/fs/cgroup", f[1], f[2], "cpuacct.usage");
            }
        }
        Optional<String> unified = lines.stream().filter(l -> l.startsWith("0::")).findFirst();
        return Path.of("/sys/fs/cgroup", unified.orElseThrow().substring(3), "cpu.stat");
    }

    private static long nanos(Path file) throws IOException {
        if (file.getFileName().toString().equals("cpuacct.usage")) {
            return Long.parseLong(Files.readString(file).strip());
        }
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("usage_usec ")) {
                return Long.parseLong(line.substring(11).strip()) * 1000;
            }
        }
        throw new IOException("no usage_usec in " + file);
    }
}
