package dev.flotilla.agent;

import java.util.Objects;

import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * A unit this machine should hold, as the registry says (a placement, or a global unit whose
 * metadata matches), with its contents fetched. Immutable.
 *
 * @param definition the contents to run
 * @param hash the contents' hash as the registry gave it
 * @param target whether it should run or only be loaded
 * @param global whether it is here as a global unit (rather than placed by the engine)
 * @param dependencies its {@code [Unit]} dependencies, expanded for this machine
 */
record DesiredUnit(UnitDefinition definition, ContentHash hash, Target target, boolean global,
        Dependencies dependencies) {

    /** What the machine should do with the unit. */
    enum Target {
        /** Known to the machine, not running (fleet's {@code loaded}). */
        LOADED,
        /** Running (fleet's {@code launched}). */
        LAUNCHED
    }

    /** Checks that no component is null. */
    DesiredUnit {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(dependencies, "dependencies");
    }

    /** The unit's name. */
    UnitName name() {
        return definition.name();
    }

    /** Whether it should run. */
    boolean launched() {
        return target == Target.LAUNCHED;
    }
}
