package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.ClusterSnapshot;
import dev.flotilla.engine.scheduler.DesiredState;
import dev.flotilla.engine.scheduler.Machine;
import dev.flotilla.engine.scheduler.UnitSpec;
import dev.flotilla.registry.Capacity;
import dev.flotilla.registry.Drain;
import dev.flotilla.registry.RegistrySnapshot;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;
import dev.flotilla.unit.UnitParseException;
import dev.flotilla.unit.ValueSyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link RegistrySnapshot} into the scheduler's {@link ClusterSnapshot}: the registered
 * machines (a machine is registered exactly while its lease lives), and every unit with its
 * {@code [X-Fleet]} options, desired state and current machine. Options are parsed from the unit
 * file under the unit's own name (so {@code %i} is expanded per instance) and cached by name and
 * content hash: a pass over an unchanged cluster parses nothing. A unit whose file no longer
 * parses (stored by an older, laxer version) is left out of the cluster and reported in
 * {@link Mapped#unparseable()}. Used by one thread (the engine's).
 */
final class ClusterMapper {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMapper.class);

    /**
     * A mapped snapshot.
     *
     * @param cluster what the scheduler plans from
     * @param unparseable units left out because their file does not parse, with the parser's message
     */
    record Mapped(ClusterSnapshot cluster, Map<UnitName, String> unparseable) {
    }

    /** One unit's parse, valid while its contents have {@code hash}; exactly one of options and error is set. */
    private record Parsed(ContentHash hash, FleetOptions options, String error) {
    }

    private Map<UnitName, Parsed> cache = new HashMap<>();

    Mapped map(RegistrySnapshot snapshot) {
        List<Machine> machines = new ArrayList<>(snapshot.machines().size());
        for (dev.flotilla.registry.Machine m : snapshot.machines().values()) {
            machines.add(new Machine(m.id().value(), m.metadata(), "", capacity(m.capacity()),
                    Optional.ofNullable(snapshot.drains().get(m.id())).map(Drain::describe).orElse("")));
        }
        Map<UnitName, Parsed> next = new HashMap<>(snapshot.units().size() * 4 / 3 + 1);
        List<UnitSpec> units = new ArrayList<>(snapshot.units().size());
        TreeMap<UnitName, String> unparseable = new TreeMap<>();
        for (UnitRecord u : snapshot.units().values()) {
            Parsed parsed = cache.get(u.name());
            if (parsed == null || !parsed.hash().equals(u.hash())) {
                parsed = parse(u);
            }
            next.put(u.name(), parsed);
            if (parsed.error() != null) {
                unparseable.put(u.name(), parsed.error());
                continue;
            }
            Optional<String> machine = Optional.ofNullable(snapshot.schedule().get(u.name()))
                    .map(ScheduleEntry::machineId).map(id -> id.value());
            units.add(new UnitSpec(u.name(), parsed.options(), desired(u.desiredState()), machine));
        }
        cache = next;
        return new Mapped(new ClusterSnapshot(machines, units), unparseable);
    }

    private static Parsed parse(UnitRecord u) {
        try {
            return new Parsed(u.hash(), FleetOptions.parse(UnitFile.parse(u.name().name(), u.contents()), u.name()), null);
        } catch (UnitParseException | ValueSyntaxException e) {
            LOG.warn("Unit {} does not parse and cannot be scheduled until it is replaced: {}", u.name(), e.getMessage());
            return new Parsed(u.hash(), null, e.getMessage());
        }
    }

    static DesiredState desired(dev.flotilla.registry.DesiredState state) {
        return switch (state) {
            case INACTIVE -> DesiredState.INACTIVE;
            case LOADED -> DesiredState.LOADED;
            case LAUNCHED -> DesiredState.LAUNCHED;
        };
    }

    private static Map<String, Long> capacity(Optional<Capacity> capacity) {
        return capacity.map(c -> Map.of("cpu", c.cpuMillis(), "memory", c.memoryBytes())).orElse(Map.of());
    }
}
