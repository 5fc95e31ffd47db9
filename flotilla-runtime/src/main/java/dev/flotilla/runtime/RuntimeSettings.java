package dev.flotilla.runtime;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * What an agent gives a runtime it opens through a {@link RuntimeProvider}. Immutable.
 *
 * @param stateDir the runtime's own directory under the agent's data dir (e.g. {@code <data-dir>/exec});
 *     it persists unit records, journals and process IDs across agent restarts, and must be
 *     reserved to one runtime instance at a time
 * @param clock the source of "now" for states and journals
 * @param machineId the ID of the machine the runtime runs units for, when the agent knows it (a runtime
 *     that labels what it creates, like the Docker runtime, uses it to recognise its own)
 */
public record RuntimeSettings(Path stateDir, InstantSource clock, Optional<String> machineId) {

    /** Checks that no component is null and makes the directory absolute. */
    public RuntimeSettings {
        stateDir = Objects.requireNonNull(stateDir, "stateDir").toAbsolutePath().normalize();
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(machineId, "machineId");
    }

    /** Settings without a machine ID. */
    public RuntimeSettings(Path stateDir, InstantSource clock) {
        this(stateDir, clock, Optional.empty());
    }

    /** Settings with the system clock. */
    public static RuntimeSettings of(Path stateDir) {
        return new RuntimeSettings(stateDir, InstantSource.system());
    }

    /** A copy with the machine ID set. */
    public RuntimeSettings withMachineId(String id) {
        return new RuntimeSettings(stateDir, clock, Optional.of(id));
    }
}
