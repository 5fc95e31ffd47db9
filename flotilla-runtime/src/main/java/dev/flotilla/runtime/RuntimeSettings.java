package dev.flotilla.runtime;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;

/**
 * What an agent gives a runtime it opens through a {@link RuntimeProvider}. Immutable.
 *
 * @param stateDir the runtime's own directory under the agent's data dir (e.g. {@code <data-dir>/exec});
 *     it persists unit records, journals and process IDs across agent restarts, and must be
 *     reserved to one runtime instance at a time
 * @param clock the source of "now" for states and journals
 */
public record RuntimeSettings(Path stateDir, InstantSource clock) {

    /** Checks that no component is null and makes the directory absolute. */
    public RuntimeSettings {
        stateDir = Objects.requireNonNull(stateDir, "stateDir").toAbsolutePath().normalize();
        Objects.requireNonNull(clock, "clock");
    }

    /** Settings with the system clock. */
    public static RuntimeSettings of(Path stateDir) {
        return new RuntimeSettings(stateDir, InstantSource.system());
    }
}
