package dev.flotilla.registry;

import java.util.Objects;

import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/**
 * A unit as the cluster knows it: its file exactly as submitted and what the user wants of it.
 * Immutable.
 *
 * @param name the unit's name
 * @param contents the unit file's text, byte for byte as submitted (what {@code cat} returns)
 * @param hash the SHA-1 of {@code contents}
 * @param desiredState what the user wants: inactive, loaded or launched
 */
public record UnitRecord(UnitName name, String contents, ContentHash hash, DesiredState desiredState) {

    /** Checks that no component is null (the hash is trusted; {@link #of} computes it). */
    public UnitRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contents, "contents");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(desiredState, "desiredState");
    }

    /** A record for {@code contents}, its hash computed. */
    public static UnitRecord of(UnitName name, String contents, DesiredState desiredState) {
        return new UnitRecord(name, contents, ContentHash.of(contents), desiredState);
    }

    /** This unit with another desired state. */
    public UnitRecord withDesiredState(DesiredState state) {
        return new UnitRecord(name, contents, hash, state);
    }
}
