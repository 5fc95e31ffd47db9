package dev.flotilla.agent;

import java.util.Objects;

import dev.flotilla.unit.ContentHash;

/**
 * Why a unit placed on this machine cannot be run here at all: no runtime handles its type, or its
 * contents do not parse. Published as its state (load state {@code not-found} or {@code error},
 * inactive/dead, with the reason); the agent leaves the unit otherwise alone. Immutable.
 *
 * @param hash the contents' hash
 * @param loadState systemd's load state to show, e.g. {@code not-found}
 * @param reason one line for people
 */
record Problem(ContentHash hash, String loadState, String reason) {

    /** Checks that no component is null. */
    Problem {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(loadState, "loadState");
        Objects.requireNonNull(reason, "reason");
    }
}
