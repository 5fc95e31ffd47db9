package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Flotilla extension: one line of a unit's journal ({@code GET /v1/units/{name}/journal}, served once agents
 * serve it). Immutable.
 *
 * @param time when the line was written, ISO-8601 UTC
 * @param machineID the machine whose agent recorded it
 * @param stream {@code stdout}, {@code stderr}, or {@code agent} for lines the agent itself adds
 *     ("Started ...", "exited with code 3")
 * @param message the line, without its line break
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JournalEntry(String time, String machineID, String stream, String message) {
}
