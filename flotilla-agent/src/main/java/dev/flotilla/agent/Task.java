package dev.flotilla.agent;

import java.util.Objects;

import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * One step the reconciler takes to bring the machine to its desired state: what fleet's agent
 * calls a task, as a closed set of records instead of strings. {@link Planner} computes them;
 * {@code TaskRunner} carries them out.
 */
sealed interface Task {

    /** The unit the task is about. */
    UnitName unit();

    /**
     * Makes the unit known to the machine with these contents (loaded/inactive/dead), without
     * running anything.
     *
     * @param unit the unit
     * @param definition the contents
     */
    record Load(UnitName unit, UnitDefinition definition) implements Task {
        /** Checks that no component is null. */
        public Load {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(definition, "definition");
        }
    }

    /**
     * Starts the unit with these contents (also a unit that ran before and has since ended with
     * other contents).
     *
     * @param unit the unit
     * @param definition the contents
     */
    record Start(UnitName unit, UnitDefinition definition) implements Task {
        /** Checks that no component is null. */
        public Start {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(definition, "definition");
        }
    }

    /**
     * Stops the unit, then releases it from its runtime once nothing of it runs, so that it is
     * merely loaded again (or gone, when it is no longer wanted here).
     *
     * @param unit the unit
     * @param reason why, for the log
     */
    record Stop(UnitName unit, String reason) implements Task {
        /** Checks that no component is null. */
        public Stop {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Restarts a running unit with new contents ({@code --replace}).
     *
     * @param unit the unit
     * @param definition the new contents
     */
    record Restart(UnitName unit, UnitDefinition definition) implements Task {
        /** Checks that no component is null. */
        public Restart {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(definition, "definition");
        }
    }

    /**
     * Forgets a unit that is no longer wanted here and no longer runs: its runtime record and its
     * place in the loaded set go, and its published state is removed.
     *
     * @param unit the unit
     */
    record Unload(UnitName unit) implements Task {
        /** Checks that no component is null. */
        public Unload {
            Objects.requireNonNull(unit, "unit");
        }
    }
}
