package dev.flotilla.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Flotilla extension, {@code GET /v1/units/{name}/status}: what {@code systemctl status} says of a unit, from
 * the agent that runs it, asked through any agent's API (which forwards the request to the unit's machine).
 * An API server without an agent answers 501. Immutable.
 *
 * @param name the unit
 * @param machineID the machine that runs it
 * @param hash SHA-1 of the unit file it runs
 * @param systemdLoadState e.g. {@code loaded}
 * @param systemdActiveState e.g. {@code active}
 * @param systemdSubState e.g. {@code running}
 * @param mainPID the main process; null when none runs
 * @param since when the active state last changed, ISO-8601 UTC
 * @param reason why it is in this state, for people; null when there is nothing to say
 * @param recentLines the last journal lines, oldest first (like {@code systemctl status} shows)
 * @param restarts automatic restarts ({@code Restart=}) since the unit was last started; null when unknown
 * @param lastExit how the last main process ended, {@code status=1} or {@code signal=TERM}; null when none did
 * @param limits what became of each resource setting, one line each ({@code MemoryMax=64M applied (...)})
 * @param details what the unit's runtime adds, label to text (possibly several lines), in display order: for a
 *     container its ID, image, ports, networks, health, limits and top processes
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UnitStatus(String name, String machineID, String hash, String systemdLoadState,
        String systemdActiveState, String systemdSubState, Long mainPID, String since, String reason,
        List<JournalEntry> recentLines, Integer restarts, String lastExit,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> limits,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> details) {

    /** Copies the lists and the map, keeping its order (missing reads as empty). */
    public UnitStatus {
        recentLines = recentLines == null ? List.of() : List.copyOf(recentLines);
        limits = limits == null ? List.of() : List.copyOf(limits);
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** A status without restart count, last exit, limits and details (the shape before they were added). */
    public UnitStatus(String name, String machineID, String hash, String systemdLoadState, String systemdActiveState,
            String systemdSubState, Long mainPID, String since, String reason, List<JournalEntry> recentLines) {
        this(name, machineID, hash, systemdLoadState, systemdActiveState, systemdSubState, mainPID, since, reason,
                recentLines, null, null, List.of(), Map.of());
    }
}
