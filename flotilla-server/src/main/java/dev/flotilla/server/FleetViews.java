package dev.flotilla.server;

import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.api.Machine;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.api.UnitState;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.Secrets;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitParseException;

/**
 * The registry's records as fleet's API shows them. Stateless.
 *
 * <p>{@code currentState} is fleet's: what the cluster has made of the unit so far, from its placement and
 * the state its machine's agent reports. Not placed: {@code inactive}. Placed, but that machine has not
 * reported the unit: {@code inactive} (fleet: no unit state yet). Reported with systemd active state
 * {@code inactive}: {@code loaded}. Reported {@code failed}: {@code launched} while the user wants it
 * launched (it was started; {@code fleetctl start} then sees it is not active), else {@code loaded}. Any
 * other active state ({@code active}, {@code activating}, {@code deactivating}, {@code reloading}):
 * {@code launched}. Global units have no placement: no {@code currentState} and no {@code machineID}.
 */
final class FleetViews {

    private static final Logger LOG = LoggerFactory.getLogger(FleetViews.class);

    private FleetViews() {
    }

    /**
     * The unit as {@code GET /fleet/v1/units} shows it.
     *
     * @param placement where the unit is placed, if it is
     * @param states the unit's published states (any machines)
     * @param withContents whether to include the text as submitted (single-unit reads only)
     */
    static Unit unit(UnitRecord unit, Optional<ScheduleEntry> placement, List<UnitStateRecord> states,
            boolean withContents) {
        Optional<UnitFile> file = parse(unit);
        List<UnitOption> options = file.map(f -> f.options().stream()
                .map(o -> new UnitOption(o.section(), o.name(), o.value())).toList()).orElse(List.of());
        boolean global = file.map(f -> isGlobal(unit, f)).orElse(false);
        String current = global ? null : currentState(placement, states);
        String machine = global ? null : placement.map(p -> p.machineId().value()).orElse(null);
        return new Unit(unit.name().name(), options, unit.desiredState().fleetName(), current, machine,
                unit.hash().hex(), withContents ? unit.contents() : null);
    }

    /** fleet's {@code currentState} of a unit placed as {@code placement} (see the class comment). */
    static String currentState(Optional<ScheduleEntry> placement, List<UnitStateRecord> states) {
        if (placement.isEmpty()) {
            return "inactive";
        }
        ScheduleEntry entry = placement.get();
        Optional<UnitStateRecord> reported = states.stream()
                .filter(s -> s.machineId().equals(entry.machineId())).findFirst();
        if (reported.isEmpty()) {
            return "inactive";
        }
        return switch (reported.get().activeState()) {
            case "inactive" -> "loaded";
            case "failed" -> entry.desiredState() == DesiredState.LAUNCHED ? "launched" : "loaded";
            default -> "launched";
        };
    }

    /** A published state as {@code GET /fleet/v1/state} shows it, secret-looking values of its reason masked. */
    static UnitState state(UnitStateRecord s) {
        return new UnitState(s.unit().name(), s.hash().hex(), s.machineId().value(), s.loadState(), s.activeState(),
                s.subState(), s.reason().map(Secrets::redact).orElse(null));
    }

    /** A machine as {@code GET /fleet/v1/machines} shows it. */
    static Machine machine(dev.flotilla.registry.Machine m) {
        return new Machine(m.id().value(), m.publicIp(), m.metadata());
    }

    /** Whether agents run the unit themselves ({@code Global=true}); templates never are. */
    static boolean isGlobal(UnitRecord unit, UnitFile file) {
        if (unit.name().isTemplate()) {
            return false;
        }
        try {
            return FleetOptions.parse(file, unit.name()).global();
        } catch (UnitParseException e) {
            return false;
        }
    }

    /** The stored file parsed; empty (logged) for contents stored before a stricter parser refused them. */
    static Optional<UnitFile> parse(UnitRecord unit) {
        try {
            return Optional.of(UnitFile.parse(unit.name().name(), unit.contents()));
        } catch (UnitParseException e) {
            LOG.warn("Stored unit {} no longer parses ({}); it is shown without options", unit.name(), e.getMessage());
            return Optional.empty();
        }
    }
}
