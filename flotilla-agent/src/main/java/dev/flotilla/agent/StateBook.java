package dev.flotilla.agent;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.registry.UnitStates;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.Secrets;
import dev.flotilla.unit.UnitName;

/**
 * Publishes the states of the units a machine holds, on the machine's lease, writing only what
 * changed since the last publication on that lease (so an idle agent writes nothing), and removes
 * the states of units no longer wanted here. One book per lease: a new lease starts a new book, so
 * every state is written again on it. Confined to the reconcile thread.
 */
final class StateBook {

    private final UnitStates states;
    private final MachineId machine;
    private final long leaseId;
    private final InstantSource clock;
    /** What is published on {@link #leaseId}, as far as this agent knows. */
    private final Map<UnitName, UnitStateRecord> published = new HashMap<>();
    /** Since when the agent (not a runtime) reports a unit, so that its {@code since} stays put. */
    private final Map<UnitName, Instant> agentSince = new HashMap<>();

    StateBook(UnitStates states, MachineId machine, long leaseId, InstantSource clock) {
        this.states = states;
        this.machine = machine;
        this.leaseId = leaseId;
        this.clock = clock;
    }

    /**
     * Publishes the state of every wanted unit of {@code snapshot}, as {@code runtime} and
     * {@code loaded} say now, and removes the states of units no longer wanted. Returns how many
     * keys it wrote or deleted.
     *
     * @throws dev.flotilla.store.LeaseNotFoundException when the lease is gone (the caller fences)
     * @throws StoreException when the store fails; what was written before stays recorded
     */
    int publish(Snapshot snapshot, Map<UnitName, UnitStatus> runtime, Map<UnitName, ContentHash> loaded,
            Map<UnitName, String> waiting) throws StoreException {
        SortedMap<UnitName, UnitStateRecord> wanted = records(snapshot, runtime, loaded, waiting);
        int writes = 0;
        for (UnitStateRecord record : wanted.values()) {
            if (!record.equals(published.get(record.unit()))) {
                states.publish(record, leaseId);
                published.put(record.unit(), record);
                writes++;
            }
        }
        for (Iterator<UnitName> it = published.keySet().iterator(); it.hasNext(); ) {
            UnitName unit = it.next();
            if (!snapshot.wanted(unit)) {
                states.remove(unit, machine);
                it.remove();
                writes++;
            }
        }
        agentSince.keySet().removeIf(u -> !snapshot.wanted(u));
        return writes;
    }

    /** The state records for the wanted units (unresolved ones excepted: their last state stays). */
    SortedMap<UnitName, UnitStateRecord> records(Snapshot snapshot, Map<UnitName, UnitStatus> runtime,
            Map<UnitName, ContentHash> loaded, Map<UnitName, String> waiting) {
        TreeMap<UnitName, UnitStateRecord> out = new TreeMap<>();
        snapshot.problems().forEach((unit, problem) -> out.put(unit, new UnitStateRecord(unit, problem.hash(),
                machine, problem.loadState(), "inactive", "dead", OptionalLong.empty(), since(unit),
                Optional.of(clip(problem.reason())))));
        for (DesiredUnit unit : snapshot.desired().values()) {
            UnitName name = unit.name();
            UnitStatus status = runtime.get(name);
            Optional<String> wait = Optional.ofNullable(waiting.get(name)).map(StateBook::clip);
            if (status != null) {
                agentSince.remove(name);
                out.put(name, new UnitStateRecord(name, status.hash().orElse(unit.hash()), machine,
                        status.load().systemdName(), status.active().systemdName(), status.sub().systemdName(),
                        status.mainPid(), status.since(), wait.or(() -> status.reason().map(StateBook::clip))));
            } else if (loaded.containsKey(name)) {
                out.put(name, new UnitStateRecord(name, loaded.get(name), machine, "loaded", "inactive", "dead",
                        OptionalLong.empty(), since(name), wait));
            }
        }
        return out;
    }

    private Instant since(UnitName unit) {
        return agentSince.computeIfAbsent(unit, u -> clock.instant());
    }

    /** The reason as published: secret-looking values masked (it may quote the unit file), at most 4 KiB. */
    private static String clip(String raw) {
        String reason = Secrets.redact(raw);
        return reason.length() <= UnitStateRecord.MAX_REASON_LENGTH ? reason
                : reason.substring(0, UnitStateRecord.MAX_REASON_LENGTH - 3) + "...";
    }
}
