package dev.flotilla.api;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Flotilla extension, {@code GET /v1/machines}: a machine with everything its agent registered and whether an
 * operator drained it; fleet's {@link Machine} has only ID, IP and metadata. Absent values are {@code null} on
 * the wire (not left out), so that a dashboard can tell "not drained" from an older server. Immutable.
 *
 * @param id the machine ID, 32 hex digits
 * @param primaryIP the address other machines and users reach it at; null for a drained machine that is not
 *     registered (its agent is away)
 * @param hostname its host name, or null
 * @param metadata its metadata, sorted by key
 * @param apiUrl where its agent's API answers, or null
 * @param capacity what it offers, or null when the agent declared nothing
 * @param joinedAt when its agent registered (ISO-8601), or null
 * @param draining the drain, or null when the machine takes units
 */
public record MachineDetails(String id, String primaryIP, String hostname, Map<String, String> metadata,
        String apiUrl, Capacity capacity, String joinedAt, Draining draining) {

    /** Sorts and copies the metadata (missing reads as empty). */
    public MachineDetails {
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    /** The 8-digit short ID fleetctl shows ({@code 2aa4e35a}); the whole ID when it is shorter. */
    public String shortId() {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    /**
     * What a machine offers to units.
     *
     * @param cpuMillis CPU in thousandths of a core
     * @param memoryBytes memory in bytes
     */
    public record Capacity(long cpuMillis, long memoryBytes) {
    }

    /**
     * An operator's drain of the machine.
     *
     * @param since when it was drained (ISO-8601)
     * @param reason the operator's words, possibly empty
     */
    public record Draining(String since, String reason) {
    }
}
