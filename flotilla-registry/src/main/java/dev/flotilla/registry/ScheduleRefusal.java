package dev.flotilla.registry;

import java.util.Objects;

/**
 * A schedule change that {@link Schedule#apply} did not apply, and why; nothing of it was written.
 * Immutable.
 *
 * @param change the refused change
 * @param reason why
 */
public record ScheduleRefusal(ScheduleChange change, Reason reason) {

    /** Checks that no component is null. */
    public ScheduleRefusal {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(reason, "reason");
    }

    /** Why a change was refused. The planner should re-read and plan again. */
    public enum Reason {
        /** The unit changed (or was destroyed or created) after the plan's basis. */
        UNIT_CHANGED,
        /** The unit's placement changed after the plan's basis. */
        SCHEDULE_CHANGED,
        /** The guarding leadership term is over: another leader (or none) now leads. */
        NOT_LEADER
    }
}
