package dev.flotilla.api;

/**
 * Flotilla extension, {@code GET /v1/machines/{id}/stats}: how busy a machine is right now, read by that machine's
 * own agent from {@code /proc} when asked (nothing of it is stored). Immutable.
 *
 * @param machine the machine's ID
 * @param load1 the load average over 1 minute ({@code /proc/loadavg})
 * @param load5 over 5 minutes
 * @param load15 over 15 minutes
 * @param cpus the processors the agent's JVM may use
 * @param cpuUsedPercent the share of all CPU time that was busy (not idle or waiting for I/O) since the previous
 *     question, or over a short sample when there was none lately; 0 to 100
 * @param memoryTotalBytes {@code MemTotal} of {@code /proc/meminfo}
 * @param memoryUsedBytes {@code MemTotal - MemAvailable}: what programs hold, caches the kernel would give back excluded
 * @param at when it was read, ISO-8601 UTC
 */
public record MachineStats(String machine, double load1, double load5, double load15, int cpus, double cpuUsedPercent,
        long memoryTotalBytes, long memoryUsedBytes, String at) {
}
