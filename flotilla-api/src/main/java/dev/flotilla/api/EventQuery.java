package dev.flotilla.api;

import java.util.List;

/**
 * What to ask {@code GET /v1/events} for. Immutable.
 *
 * @param units unit names or globs ({@code web@*.service}); empty: every unit
 * @param machines machine IDs or their starts ({@code 2aa4e35a}); empty: every machine
 * @param types event types ({@link ClusterEvent#TYPES}); empty: every type
 * @param last begin with the last N events the agent keeps (ignored when resuming)
 * @param follow keep the stream open for new events; false: the kept events only
 * @param lastEventId resume after this event's ID (what the previous stream last delivered); null: do not
 */
public record EventQuery(List<String> units, List<String> machines, List<String> types, int last, boolean follow,
        String lastEventId) {

    /** Copies the lists (missing reads as empty). */
    public EventQuery {
        units = units == null ? List.of() : List.copyOf(units);
        machines = machines == null ? List.of() : List.copyOf(machines);
        types = types == null ? List.of() : List.copyOf(types);
    }

    /** Every new event, nothing kept. */
    public static EventQuery everything() {
        return new EventQuery(List.of(), List.of(), List.of(), 0, true, null);
    }

    /** This query resuming after {@code id} (null: as it was). */
    public EventQuery after(String id) {
        return id == null ? this : new EventQuery(units, machines, types, last, follow, id);
    }
}
