package dev.flotilla.unit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a machine knows about itself, for {@link Specifiers#expand}: machine ID ({@code %m}),
 * hostname ({@code %H}), boot ID ({@code %b}), and facts no specifier uses yet (public and private
 * IP, metadata) so that runtimes and future specifiers share one record. Build it with
 * {@link #of} and the {@code with...} methods, which keep working when components are added.
 * Immutable.
 *
 * @param machineId the machine ID, usually 32 lowercase hex digits
 * @param hostname the host name
 * @param bootId the boot ID, usually 32 lowercase hex digits
 * @param publicIp the public address, when known
 * @param privateIp the private address, when known
 * @param metadata the machine's metadata ({@code region=us-east}), in a stable order
 */
public record MachineFacts(String machineId, String hostname, String bootId, Optional<String> publicIp,
        Optional<String> privateIp, Map<String, String> metadata) {

    /**
     * Validates the facts and copies the metadata.
     *
     * @throws NullPointerException when a component is null
     * @throws IllegalArgumentException when machine ID, hostname or boot ID is empty
     */
    public MachineFacts {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(bootId, "bootId");
        Objects.requireNonNull(publicIp, "publicIp");
        Objects.requireNonNull(privateIp, "privateIp");
        if (machineId.isEmpty() || hostname.isEmpty() || bootId.isEmpty()) {
            throw new IllegalArgumentException("machine ID, hostname and boot ID must not be empty");
        }
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Facts with the three values specifiers need; no IPs, no metadata. */
    public static MachineFacts of(String machineId, String hostname, String bootId) {
        return new MachineFacts(machineId, hostname, bootId, Optional.empty(), Optional.empty(), Map.of());
    }

    /**
     * Stand-in facts for checking a unit before any machine is chosen (all-zero IDs, hostname
     * {@code localhost}); never use the result to run anything.
     */
    public static MachineFacts placeholder() {
        String zeros = "0".repeat(32);
        return of(zeros, "localhost", zeros);
    }

    /** A copy with the public address set. */
    public MachineFacts withPublicIp(String ip) {
        return new MachineFacts(machineId, hostname, bootId, Optional.of(ip), privateIp, metadata);
    }

    /** A copy with the private address set. */
    public MachineFacts withPrivateIp(String ip) {
        return new MachineFacts(machineId, hostname, bootId, publicIp, Optional.of(ip), metadata);
    }

    /** A copy with the metadata replaced. */
    public MachineFacts withMetadata(Map<String, String> newMetadata) {
        return new MachineFacts(machineId, hostname, bootId, publicIp, privateIp, newMetadata);
    }
}
