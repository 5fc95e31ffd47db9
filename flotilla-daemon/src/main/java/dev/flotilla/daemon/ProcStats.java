package dev.flotilla.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.flotilla.api.MachineStats;

/**
 * Reads how busy this machine is from {@code /proc} when asked ({@code GET /v1/machines/{id}/stats}): the load
 * averages of {@code /proc/loadavg}, memory in use from {@code /proc/meminfo} ({@code MemTotal - MemAvailable}),
 * and the CPU busy share from two readings of {@code /proc/stat}'s {@code cpu} line. The previous reading is kept,
 * so a dashboard polling every few seconds gets the share over its polling interval; when there is none recent
 * enough, two readings {@link #SAMPLE} apart are taken. Thread-safe.
 */
final class ProcStats {

    /** How far apart two readings of {@code /proc/stat} are when there is no recent one. */
    static final Duration SAMPLE = Duration.ofMillis(250);
    /** A previous reading older than this is not used: the share would smooth over too long a time. */
    static final Duration STALE = Duration.ofSeconds(60);

    private final Path proc;

    /** The last {@code /proc/stat} reading: when, and the busy and total jiffies. */
    private record CpuReading(Instant at, long busy, long total) {
    }

    private CpuReading last;

    ProcStats(Path proc) {
        this.proc = proc;
    }

    MachineStats read(String machineId) throws IOException {
        String[] load = Files.readString(proc.resolve("loadavg")).trim().split("\\s+");
        long total = 0;
        long available = -1;
        for (String line : Files.readAllLines(proc.resolve("meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                total = kib(line);
            } else if (line.startsWith("MemAvailable:")) {
                available = kib(line);
            }
        }
        if (available < 0) {
            throw new IOException(proc.resolve("meminfo") + " has no MemAvailable line (Linux before 3.14?)");
        }
        double cpu = cpuPercent();
        return new MachineStats(machineId, Double.parseDouble(load[0]), Double.parseDouble(load[1]),
                Double.parseDouble(load[2]), Runtime.getRuntime().availableProcessors(), cpu, total, total - available,
                Instant.now().toString());
    }

    private synchronized double cpuPercent() throws IOException {
        CpuReading previous = last;
        CpuReading now = cpu();
        Duration age = previous == null ? Duration.ZERO : Duration.between(previous.at(), now.at());
        if (previous == null || age.compareTo(STALE) > 0 || age.compareTo(SAMPLE) < 0) {
            previous = now;
            try {
                Thread.sleep(SAMPLE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while sampling " + proc.resolve("stat"), e);
            }
            now = cpu();
        }
        last = now;
        long total = now.total() - previous.total();
        if (total <= 0) {
            return 0;
        }
        return Math.round(1000.0 * (now.busy() - previous.busy()) / total) / 10.0;
    }

    /** The {@code cpu} line: user nice system idle iowait irq softirq steal ...; busy is all but idle and iowait. */
    private CpuReading cpu() throws IOException {
        List<String> lines = Files.readAllLines(proc.resolve("stat"));
        for (String line : lines) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                long total = 0;
                // Fields 1..8; guest times (9, 10) are already counted in user and nice.
                for (int i = 1; i < Math.min(f.length, 9); i++) {
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
                return new CpuReading(Instant.now(), total - idle, total);
            }
        }
        throw new IOException(proc.resolve("stat") + " has no cpu line");
    }

    private static long kib(String line) {
        String[] f = line.trim().split("\\s+");
        return Long.parseLong(f[1]) * 1024;
    }
}
