package dev.flotilla.registry;

/**
 * What a machine offers to units, for resource-aware placement. Immutable.
 *
 * @param cpuMillis CPU in thousandths of a core (4 cores = 4000); positive
 * @param memoryBytes memory in bytes; positive
 */
public record Capacity(long cpuMillis, long memoryBytes) {

    /**
     * Validates the amounts.
     *
     * @throws IllegalArgumentException when either amount is not positive
     */
    public Capacity {
        if (cpuMillis <= 0 || memoryBytes <= 0) {
            throw new IllegalArgumentException("capacity must be positive: cpuMillis=" + cpuMillis
                    + ", memoryBytes=" + memoryBytes);
        }
    }
}
