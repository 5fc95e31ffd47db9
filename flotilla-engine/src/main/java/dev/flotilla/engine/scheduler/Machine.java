package dev.flotilla.engine.scheduler;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A live machine as the scheduler sees it: one whose agent holds its lease. Immutable.
 *
 * @param id the machine ID (fleet's: 32 lowercase hex digits); unique in a snapshot
 * @param metadata the agent's {@code --metadata} pairs, matched by {@code MachineMetadata=}
 * @param bootId the machine's boot ID, matched by the legacy {@code X-ConditionMachineBootID=};
 *     empty when unknown
 * @param capacity resources the machine offers (e.g. {@code cpu} in millicores, {@code memory} in
 *     bytes); carried for resource-aware placement, not used by placement yet
 * @param drain empty, or why the machine takes no units (an operator drained it: {@code draining (kernel
 *     upgrade)}): every unit but the global ones is refused there, so those on it move away
 */
public record Machine(String id, Map<String, String> metadata, String bootId, Map<String, Long> capacity,
        String drain) {

    /**
     * Copies the maps into sorted unmodifiable ones.
     *
     * @throws IllegalArgumentException when {@code id} is blank
     * @throws NullPointerException when a component is null
     */
    public Machine {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("a machine ID must not be blank");
        }
        metadata = sorted(metadata, "metadata");
        Objects.requireNonNull(bootId, "bootId");
        capacity = sorted(capacity, "capacity");
        Objects.requireNonNull(drain, "drain");
    }

    /** A machine that is not drained. */
    public Machine(String id, Map<String, String> metadata, String bootId, Map<String, Long> capacity) {
        this(id, metadata, bootId, capacity, "");
    }

    /** Whether the machine is drained: it keeps only its global units. */
    public boolean draining() {
        return !drain.isEmpty();
    }

    /** A machine with metadata, no known boot ID and no declared capacity. */
    public static Machine of(String id, Map<String, String> metadata) {
        return new Machine(id, metadata, "", Map.of());
    }

    /** The 8-character short ID that fleetctl shows ({@code 2aa4e35a}); the whole ID when shorter. */
    public String shortId() {
        return shortId(id);
    }

    static String shortId(String id) {
        return id.length() <= 8 ? id : id.substring(0, 8);
    }

    private static <V> SortedMap<String, V> sorted(Map<String, V> map, String what) {
        Objects.requireNonNull(map, what);
        return Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }
}
