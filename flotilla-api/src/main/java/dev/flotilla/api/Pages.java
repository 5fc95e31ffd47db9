package dev.flotilla.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The list responses of fleet's API: one page of items and, when more follow, the opaque token that fetches
 * the next page ({@code ?nextPageToken=...}); the last page has none. Immutable.
 */
public final class Pages {

    private Pages() {
    }

    /**
     * {@code GET /fleet/v1/units}.
     *
     * @param units this page's units, sorted by name
     * @param nextPageToken the next page's token; null on the last page
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UnitPage(List<Unit> units, String nextPageToken) {
        /** Copies the list (missing reads as empty). */
        public UnitPage {
            units = units == null ? List.of() : List.copyOf(units);
        }
    }

    /**
     * {@code GET /fleet/v1/state}.
     *
     * @param states this page's states, sorted by unit, then machine
     * @param nextPageToken the next page's token; null on the last page
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StatePage(List<UnitState> states, String nextPageToken) {
        /** Copies the list (missing reads as empty). */
        public StatePage {
            states = states == null ? List.of() : List.copyOf(states);
        }
    }

    /**
     * {@code GET /fleet/v1/machines}.
     *
     * @param machines this page's machines, sorted by ID
     * @param nextPageToken the next page's token; null on the last page
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MachinePage(List<Machine> machines, String nextPageToken) {
        /** Copies the list (missing reads as empty). */
        public MachinePage {
            machines = machines == null ? List.of() : List.copyOf(machines);
        }
    }
}
