package dev.flotilla.registry;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A machine that has joined the cluster, as its agent registers it. Immutable.
 *
 * @param id the machine ID
 * @param publicIp the address other machines and users reach it at (fleet's {@code primaryIP})
 * @param metadata fleet's machine metadata ({@code region=us}); sorted by key. Keys are non-empty
 *     and hold no {@code =} or {@code ,}; values hold no {@code ,}
 * @param apiUrl where this machine's agent serves the API, e.g. {@code http://10.0.0.1:8080}
 * @param hostname the host's name, for people and the {@code %H} specifier
 * @param capacity what the machine offers to units, when known
 * @param joinedAt when the agent registered (it keeps this across re-registrations of one run)
 */
public record Machine(MachineId id, String publicIp, SortedMap<String, String> metadata, String apiUrl,
        String hostname, Optional<Capacity> capacity, Instant joinedAt) {

    /**
     * Validates and copies the metadata into an unmodifiable sorted map.
     *
     * @throws IllegalArgumentException when {@code publicIp} is blank or a metadata key or value is
     *     malformed (the message names it)
     */
    public Machine {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(publicIp, "publicIp");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(joinedAt, "joinedAt");
        if (publicIp.isBlank()) {
            throw new IllegalArgumentException("machine " + id + ": the public IP must not be blank");
        }
        TreeMap<String, String> copy = new TreeMap<>();
        metadata.forEach((k, v) -> {
            if (k == null || k.isEmpty() || k.contains("=") || k.contains(",")) {
                throw new IllegalArgumentException("machine " + id + ": metadata key \"" + k
                        + "\" must be non-empty and hold no '=' or ','");
            }
            if (v == null || v.contains(",")) {
                throw new IllegalArgumentException("machine " + id + ": metadata value \"" + v + "\" of key \""
                        + k + "\" must be present and hold no ','");
            }
            copy.put(k, v);
        });
        metadata = Collections.unmodifiableSortedMap(copy);
    }

    /** A machine without capacity information; {@code metadata} may be any map. */
    public static Machine of(MachineId id, String publicIp, Map<String, String> metadata, String apiUrl,
            String hostname, Instant joinedAt) {
        return new Machine(id, publicIp, new TreeMap<>(metadata), apiUrl, hostname, Optional.empty(), joinedAt);
    }

    /** This machine with {@code capacity}. */
    public Machine withCapacity(Capacity capacity) {
        return new Machine(id, publicIp, metadata, apiUrl, hostname, Optional.of(capacity), joinedAt);
    }
}
