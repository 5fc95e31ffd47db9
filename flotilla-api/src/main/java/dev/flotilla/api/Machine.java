package dev.flotilla.api;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A machine of the cluster ({@code GET /fleet/v1/machines}). Immutable.
 *
 * @param id the machine ID, 32 hex digits
 * @param primaryIP the address other machines and users reach it at
 * @param metadata its metadata, sorted by key; empty when it has none
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Machine(String id, String primaryIP, Map<String, String> metadata) {

    /** Sorts and copies the metadata (missing reads as empty). */
    public Machine {
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    /** The 8-digit short ID fleetctl shows ({@code 2aa4e35a}); the whole ID when it is shorter. */
    public String shortId() {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }
}
