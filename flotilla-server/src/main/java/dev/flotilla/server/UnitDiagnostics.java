package dev.flotilla.server;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.MachineStats;
import dev.flotilla.api.UnitStatus;

/**
 * What an agent adds to its API: the status, journal and container inspect of the units its own machine runs, and
 * how busy that machine is.
 * The server asks it for {@code GET /v1/units/{name}/status}, {@code /journal} and {@code /inspect}; an agent
 * whose machine does not run the
 * unit answers empty, and the server then forwards the request to the API of the machine the unit is placed on
 * (docs/api.md). Implementations must be thread-safe: requests arrive concurrently.
 */
public interface UnitDiagnostics {

    /**
     * The unit's status on this machine, or empty when it does not run here.
     *
     * @throws IOException when the runtime cannot be asked
     */
    Optional<UnitStatus> status(String unit) throws IOException;

    /**
     * The unit's last {@code lines} journal lines on this machine, oldest first, or empty when it never ran
     * here.
     *
     * @throws IOException when the journal cannot be read
     */
    Optional<List<JournalEntry>> journal(String unit, int lines) throws IOException;

    /**
     * The container engine's inspect JSON of the unit's container on this machine, as the engine wrote it;
     * empty when the unit does not run here or has no container (the server tells the two apart with
     * {@link #status}). Empty by default.
     *
     * @throws IOException when the engine cannot be asked
     */
    default Optional<String> inspect(String unit) throws IOException {
        return Optional.empty();
    }

    /**
     * How busy this machine is right now ({@code GET /v1/machines/{id}/stats}), when {@code machineId} is this
     * agent's machine; empty otherwise (the server then forwards the question to that machine's API). Empty by
     * default.
     *
     * @throws IOException when {@code /proc} cannot be read
     */
    default Optional<MachineStats> machineStats(String machineId) throws IOException {
        return Optional.empty();
    }
}
