package dev.flotilla.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.registry.KeyLayout.RegistryKey;
import dev.flotilla.registry.RegistryEvent.EndpointChanged;
import dev.flotilla.registry.RegistryEvent.EndpointRemoved;
import dev.flotilla.registry.RegistryEvent.GlobalUnitChanged;
import dev.flotilla.registry.RegistryEvent.GlobalUnitRemoved;
import dev.flotilla.registry.RegistryEvent.LeaderElected;
import dev.flotilla.registry.RegistryEvent.LeaderGone;
import dev.flotilla.registry.RegistryEvent.MachineJoined;
import dev.flotilla.registry.RegistryEvent.MachineLeft;
import dev.flotilla.registry.RegistryEvent.MachineUpdated;
import dev.flotilla.registry.RegistryEvent.ScheduleChanged;
import dev.flotilla.registry.RegistryEvent.ScheduleRemoved;
import dev.flotilla.registry.RegistryEvent.StateChanged;
import dev.flotilla.registry.RegistryEvent.StateRemoved;
import dev.flotilla.registry.RegistryEvent.UnitChanged;
import dev.flotilla.registry.RegistryEvent.UnitRemoved;
import dev.flotilla.registry.RegistryEvent.UnschedulableChanged;
import dev.flotilla.registry.RegistryEvent.UnschedulableCleared;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.WatchEvent;

/**
 * Turns stored keys into records and watch events into {@link RegistryEvent}s. A key outside the
 * layout or a value that does not decode (someone used {@code kv put}) is skipped and logged with
 * its key (once per key and revision), never thrown: one bad value must not stop every reader.
 * Thread-safe.
 */
final class EventDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(EventDecoder.class);

    /** Which keys a watch reports. */
    enum Scope {
        /** Everything but the per-machine copies of the schedule and the global-unit index. */
        CLUSTER,
        /** Only the per-machine schedule and the global-unit index: what one agent needs. */
        MACHINE
    }

    /** Bound of {@code reported}: past it, the memory is cleared (a problem is then logged once more). */
    private static final int MAX_REPORTED = 1024;
    /**
     * Problems already logged, as {@code key@modRevision}: a stray value is logged once, not on every
     * snapshot and list that meets it again.
     */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    private final KeyLayout layout;

    EventDecoder(KeyLayout layout) {
        this.layout = layout;
    }

    /** The registry events of one store batch, in order, skipping keys out of {@code scope}. */
    List<RegistryEvent> events(List<WatchEvent> batch, Scope scope) {
        List<RegistryEvent> out = new ArrayList<>(batch.size());
        for (WatchEvent e : batch) {
            event(e, scope).ifPresent(out::add);
        }
        return out;
    }

    /** Decodes {@code kv}'s key, logging (once per read) a key outside the layout. */
    Optional<RegistryKey> key(KeyValue kv) {
        Optional<RegistryKey> key = layout.parse(kv.key());
        if (key.isEmpty() && firstReport(kv)) {
            LOG.warn("Skipping key {}: it is not part of the registry's key layout (see docs/key-layout.md)",
                    kv.key());
        }
        return key;
    }

    /** {@code decoder}'s result, or empty (logged) when the value under {@code kv} is malformed. */
    <T> Optional<T> decodeOrSkip(KeyValue kv, Supplier<T> decoder) {
        try {
            return Optional.of(decoder.get());
        } catch (Codec.MalformedValueException e) {
            if (firstReport(kv)) {
                LOG.warn("Skipping {}", e.getMessage());
            }
            return Optional.empty();
        }
    }

    private boolean firstReport(KeyValue kv) {
        if (reported.size() >= MAX_REPORTED) {
            reported.clear();
        }
        return reported.add(kv.key() + "@" + kv.modRevision());
    }

    private Optional<RegistryEvent> event(WatchEvent e, Scope scope) {
        KeyValue kv = e.kv();
        long rev = e.revision();
        boolean put = e.type() == WatchEvent.Type.PUT;
        Optional<RegistryKey> parsed = key(kv);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        RegistryKey key = parsed.get();
        boolean machineScoped = key instanceof RegistryKey.MachineSchedule || key instanceof RegistryKey.GlobalUnit;
        if (machineScoped != (scope == Scope.MACHINE)) {
            return Optional.empty();
        }
        return switch (key) {
            case RegistryKey.Machine k -> put
                    ? decodeOrSkip(kv, () -> kv.version() == 1
                            ? new MachineJoined(Codec.machine(kv, k.id()), rev)
                            : new MachineUpdated(Codec.machine(kv, k.id()), rev))
                    : Optional.of(new MachineLeft(k.id(), rev));
            case RegistryKey.Unit k -> put
                    ? decodeOrSkip(kv, () -> new UnitChanged(Codec.unit(kv, k.name()), rev))
                    : Optional.of(new UnitRemoved(k.name(), rev));
            case RegistryKey.GlobalUnit k -> put
                    ? decodeOrSkip(kv, () -> new GlobalUnitChanged(Codec.globalUnit(kv, k.name()), rev))
                    : Optional.of(new GlobalUnitRemoved(k.name(), rev));
            case RegistryKey.Schedule k -> put
                    ? decodeOrSkip(kv, () -> new ScheduleChanged(Codec.schedule(kv, k.unit()), rev,
                            Codec.scheduleReason(kv)))
                    : Optional.of(new ScheduleRemoved(k.unit(), rev));
            case RegistryKey.MachineSchedule k -> put
                    ? decodeOrSkip(kv, () -> new ScheduleChanged(onMachine(Codec.schedule(kv, k.unit()), k, kv), rev,
                            Codec.scheduleReason(kv)))
                    : Optional.of(new ScheduleRemoved(k.unit(), rev));
            case RegistryKey.Unschedulable k -> put
                    ? decodeOrSkip(kv, () -> new UnschedulableChanged(Codec.unschedulable(kv, k.unit()), rev))
                    : Optional.of(new UnschedulableCleared(k.unit(), rev));
            case RegistryKey.State k -> put
                    ? decodeOrSkip(kv, () -> new StateChanged(Codec.state(kv, k.unit(), k.machine()), rev))
                    : Optional.of(new StateRemoved(k.unit(), k.machine(), rev));
            case RegistryKey.Endpoint k -> put
                    ? decodeOrSkip(kv, () -> new EndpointChanged(Codec.endpoint(kv, k), kv.version() == 1, rev))
                    : Optional.of(new EndpointRemoved(k.service(), k.unit(), k.machine(), rev));
            case RegistryKey.Drain k -> put
                    ? decodeOrSkip(kv, () -> new RegistryEvent.DrainChanged(Codec.drain(kv, k.machine()), rev))
                    : Optional.of(new RegistryEvent.DrainCleared(k.machine(), rev));
            case RegistryKey.Leader k -> put
                    ? decodeOrSkip(kv, () -> new LeaderElected(Codec.leader(kv), rev))
                    : Optional.of(new LeaderGone(rev));
        };
    }

    /** Checks that a per-machine schedule copy names the machine its key does. */
    static ScheduleEntry onMachine(ScheduleEntry entry, RegistryKey.MachineSchedule key, KeyValue kv) {
        if (!entry.machineId().equals(key.machine())) {
            throw new Codec.MalformedValueException("malformed value under " + kv.key() + ": it places "
                    + entry.unit() + " on " + entry.machineId(), null);
        }
        return entry;
    }
}
