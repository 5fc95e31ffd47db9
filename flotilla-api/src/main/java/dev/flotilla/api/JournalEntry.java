package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Flotilla extension: one line of a unit's journal ({@code GET /v1/units/{name}/journal}, from the machine
 * that runs the unit). Immutable.
 *
 * @param time when the line was written, ISO-8601 UTC
 * @param machineID the machine whose agent recorded it
 * @param stream who wrote the line: the unit's process name as journalctl shows it (e.g. {@code sh}), or
 *     {@code flotilla} for lines the agent itself adds ("Started ...", "Stopped ...")
 * @param message the line, without its line break
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JournalEntry(String time, String machineID, String stream, String message) {
}
