package dev.flotilla.server;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.flotilla.api.ClusterEvent;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.Leadership;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.RegistryEvent;
import dev.flotilla.registry.RegistrySnapshot;
import dev.flotilla.registry.ServiceEndpoint;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.registry.UnschedulableRecord;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.Secrets;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;

/**
 * Turns the registry's changes into the events people read ({@link ClusterEvent}): from one revision's raw
 * changes (a unit's key rewritten, a schedule key deleted) to what they mean (its desired state went from
 * loaded to launched; it was unassigned because it was destroyed). It keeps the little of the cluster it needs
 * to tell that: machines and their addresses, units' desired states and hashes, placements, the last state of
 * each unit on each machine, the leader, the health of each service endpoint. Deterministic: the same changes
 * from the same snapshot give the same events with the same IDs on every agent. Every value shown goes through
 * {@link Secrets#redact}. Not thread-safe: one watch thread feeds it.
 */
final class EventProjector {

    /** What is kept of a unit: enough to say what changed and why it went where it went. */
    private record UnitInfo(DesiredState desired, ContentHash hash, Optional<String> placedBy, boolean global) {
    }

    /** An event of one revision before its ID is known, with its place in the revision's order. */
    private record Pending(int rank, String type, String unit, String machine, Map<String, String> fields) {
    }

    /**
     * The order of the events of one revision, whatever order the store listed the changes in: machines and
     * leaders first, then what users asked, then the engine's decisions, then what agents report, then what
     * went away. So a destroy reads "unassigned (unit destroyed)", "state-removed", "destroyed".
     */
    private static final List<String> ORDER = List.of(ClusterEvent.MACHINE_JOINED, ClusterEvent.MACHINE_LEFT,
            ClusterEvent.MACHINE_DRAINED, ClusterEvent.MACHINE_UNDRAINED,
            ClusterEvent.LEADER_GONE, ClusterEvent.LEADER_ELECTED, ClusterEvent.SUBMITTED, ClusterEvent.REPLACED,
            ClusterEvent.DESIRED, ClusterEvent.UNASSIGNED, ClusterEvent.ASSIGNED, ClusterEvent.MOVED,
            ClusterEvent.UNSCHEDULABLE, ClusterEvent.STATE, ClusterEvent.ENDPOINT, ClusterEvent.STATE_REMOVED,
            ClusterEvent.DESTROYED);

    private final Map<MachineId, Machine> machines = new HashMap<>();
    private final Map<UnitName, UnitInfo> units = new HashMap<>();
    private final Map<UnitName, MachineId> schedule = new HashMap<>();
    private final Map<UnitName, Map<MachineId, UnitStateRecord>> states = new HashMap<>();
    /** The health of each registered endpoint, to tell a registration and a health change from a rewrite. */
    private final Map<EndpointKey, ServiceHealth> endpoints = new HashMap<>();
    private Optional<Leadership> leader;
    private long revision;

    /** Where an endpoint is registered: its service, unit and machine. */
    private record EndpointKey(String service, UnitName unit, MachineId machine) {
    }

    /**
     * A projector that knows the cluster as {@code snapshot} shows it, and the service endpoints {@code registered}
     * (read at about the same revision); it projects changes after it.
     */
    EventProjector(RegistrySnapshot snapshot, List<ServiceEndpoint> registered) {
        registered.forEach(e -> endpoints.put(new EndpointKey(e.service(), e.unit(), e.machineId()), e.health()));
        snapshot.machines().forEach(machines::put);
        snapshot.units().forEach((name, unit) -> units.put(name, info(unit)));
        snapshot.schedule().forEach((name, entry) -> schedule.put(name, entry.machineId()));
        for (UnitStateRecord s : snapshot.states()) {
            states.computeIfAbsent(s.unit(), u -> new HashMap<>()).put(s.machineId(), s);
        }
        leader = snapshot.leader();
        revision = snapshot.revision();
    }

    /** The store revision the projector has seen up to. */
    long revision() {
        return revision;
    }

    /**
     * The events of {@code batch} (the changes of one or more whole revisions, in revision order), stamped
     * {@code now}. Revisions already seen are skipped.
     */
    List<ClusterEvent> project(List<RegistryEvent> batch, Instant now) {
        List<ClusterEvent> out = new ArrayList<>();
        String time = now.truncatedTo(ChronoUnit.MILLIS).toString();
        int from = 0;
        while (from < batch.size()) {
            long rev = batch.get(from).revision();
            int to = from;
            while (to < batch.size() && batch.get(to).revision() == rev) {
                to++;
            }
            if (rev > revision) {
                List<Pending> pending = revision(batch.subList(from, to));
                pending.sort(Comparator.comparingInt(Pending::rank)); // stable: the store's order within a rank
                for (int i = 0; i < pending.size(); i++) {
                    Pending p = pending.get(i);
                    out.add(new ClusterEvent(rev + "-" + i, time, p.type(), p.unit(), p.machine(), p.fields()));
                }
                revision = rev;
            }
            from = to;
        }
        return out;
    }

    private List<Pending> revision(List<RegistryEvent> changes) {
        // What this revision did as a whole: a placement removed with its unit was removed because of it.
        Set<UnitName> destroyed = new HashSet<>();
        // Machines that leave now are forgotten after the revision, so that its other events still name their IPs.
        Set<MachineId> leaving = new HashSet<>();
        Set<UnitName> unschedulable = new HashSet<>();
        Map<UnitName, DesiredState> desired = new HashMap<>();
        for (RegistryEvent e : changes) {
            switch (e) {
                case RegistryEvent.UnitRemoved r -> destroyed.add(r.unit());
                case RegistryEvent.UnschedulableChanged u -> unschedulable.add(u.record().unit());
                case RegistryEvent.UnitChanged u -> desired.put(u.unit().name(), u.unit().desiredState());
                case RegistryEvent.MachineLeft l -> leaving.add(l.machineId());
                default -> { }
            }
        }
        List<Pending> out = new ArrayList<>();
        for (RegistryEvent e : changes) {
            switch (e) {
                case RegistryEvent.MachineJoined j -> {
                    Machine m = j.machine();
                    machines.put(m.id(), m);
                    Map<String, String> f = fields("ip", m.publicIp(), "hostname", m.hostname());
                    if (!m.metadata().isEmpty()) {
                        f.put("metadata", m.metadata().entrySet().stream().map(x -> x.getKey() + "=" + x.getValue())
                                .collect(Collectors.joining(",")));
                    }
                    out.add(pending(ClusterEvent.MACHINE_JOINED, null, m.id(), f));
                }
                case RegistryEvent.MachineUpdated u -> machines.put(u.machine().id(), u.machine());
                case RegistryEvent.MachineLeft l -> {
                    Machine gone = machines.get(l.machineId());
                    out.add(pending(ClusterEvent.MACHINE_LEFT, null, l.machineId(),
                            fields("ip", gone == null ? null : gone.publicIp())));
                }
                case RegistryEvent.UnitChanged c -> unitChanged(c.unit(), out);
                case RegistryEvent.UnitRemoved r -> {
                    units.remove(r.unit());
                    out.add(pending(ClusterEvent.DESTROYED, r.unit(), null, fields()));
                }
                case RegistryEvent.ScheduleChanged s -> scheduleChanged(s, out);
                case RegistryEvent.ScheduleRemoved r -> {
                    MachineId from = schedule.remove(r.unit());
                    if (from != null) {
                        out.add(pending(ClusterEvent.UNASSIGNED, r.unit(), from, withIp(from, fields("reason",
                                unassignReason(r.unit(), from, destroyed, unschedulable, desired, leaving)))));
                    }
                }
                case RegistryEvent.UnschedulableChanged u -> out.add(pending(ClusterEvent.UNSCHEDULABLE, u.record().unit(),
                        null, fields("reasons", reasons(u.record()))));
                case RegistryEvent.StateChanged s -> stateChanged(s.state(), out);
                case RegistryEvent.StateRemoved r -> {
                    Map<MachineId, UnitStateRecord> byMachine = states.get(r.unit());
                    if (byMachine != null) {
                        byMachine.remove(r.machineId());
                        if (byMachine.isEmpty()) {
                            states.remove(r.unit());
                        }
                    }
                    out.add(pending(ClusterEvent.STATE_REMOVED, r.unit(), r.machineId(), withIp(r.machineId(), fields())));
                }
                case RegistryEvent.LeaderElected l -> {
                    leader = Optional.of(l.leadership());
                    MachineId m = l.leadership().machineId();
                    out.add(pending(ClusterEvent.LEADER_ELECTED, null, m,
                            withIp(m, fields("term", Long.toString(l.leadership().term())))));
                }
                case RegistryEvent.LeaderGone g -> {
                    Optional<MachineId> was = leader.map(Leadership::machineId);
                    leader = Optional.empty();
                    out.add(pending(ClusterEvent.LEADER_GONE, null, was.orElse(null),
                            was.map(m -> withIp(m, fields())).orElseGet(EventProjector::fields)));
                }
                case RegistryEvent.DrainChanged d -> out.add(pending(ClusterEvent.MACHINE_DRAINED, null,
                        d.drain().machineId(), withIp(d.drain().machineId(), fields("reason", d.drain().reason()))));
                case RegistryEvent.DrainCleared d -> out.add(pending(ClusterEvent.MACHINE_UNDRAINED, null, d.machineId(),
                        withIp(d.machineId(), fields())));
                case RegistryEvent.UnschedulableCleared c -> { } // the placement that cleared them says it
                case RegistryEvent.GlobalUnitChanged g -> { } // not in a cluster watch
                case RegistryEvent.GlobalUnitRemoved g -> { }
                case RegistryEvent.EndpointChanged c -> endpointChanged(c.endpoint(), out);
                case RegistryEvent.EndpointRemoved r -> {
                    endpoints.remove(new EndpointKey(r.service(), r.unit(), r.machineId()));
                    out.add(pending(ClusterEvent.ENDPOINT, r.unit(), r.machineId(), withIp(r.machineId(),
                            fields("change", "deregistered", "service", r.service()))));
                }
            }
        }
        leaving.forEach(machines::remove);
        return out;
    }

    private void unitChanged(UnitRecord unit, List<Pending> out) {
        UnitInfo now = info(unit);
        UnitInfo before = units.put(unit.name(), now);
        if (before == null) {
            out.add(pending(ClusterEvent.SUBMITTED, unit.name(), null,
                    fields("desiredState", unit.desiredState().fleetName(), "hash", unit.hash().hex())));
            return;
        }
        if (!before.hash().equals(now.hash())) {
            out.add(pending(ClusterEvent.REPLACED, unit.name(), null,
                    fields("hash", now.hash().hex(), "previousHash", before.hash().hex())));
        }
        if (before.desired() != now.desired()) {
            out.add(pending(ClusterEvent.DESIRED, unit.name(), null,
                    fields("desiredState", now.desired().fleetName(), "previous", before.desired().fleetName())));
        }
    }

    private void scheduleChanged(RegistryEvent.ScheduleChanged s, List<Pending> out) {
        UnitName unit = s.entry().unit();
        MachineId to = s.entry().machineId();
        MachineId from = schedule.put(unit, to);
        if (from == null) {
            UnitInfo info = units.get(unit);
            String why = s.reason().or(() -> info == null ? Optional.empty() : info.placedBy()).orElse("least loaded");
            out.add(pending(ClusterEvent.ASSIGNED, unit, to, withIp(to, fields("reason", why))));
        } else if (!from.equals(to)) {
            String why = s.reason().orElseGet(() -> machines.containsKey(from) ? "rescheduled"
                    : "machine " + from.shortId() + " is gone");
            Map<String, String> f = withIp(to, fields("from", from.value()));
            Machine old = machines.get(from);
            if (old != null) {
                f.put("fromIp", old.publicIp());
            }
            f.put("reason", Secrets.redact(why));
            out.add(pending(ClusterEvent.MOVED, unit, to, f));
        }
        // The same machine: the unit's state or hash kept in step with it; the unit's own event said so.
    }

    private void stateChanged(UnitStateRecord s, List<Pending> out) {
        UnitStateRecord before = states.computeIfAbsent(s.unit(), u -> new HashMap<>()).put(s.machineId(), s);
        if (before != null && before.loadState().equals(s.loadState()) && before.activeState().equals(s.activeState())
                && before.subState().equals(s.subState()) && before.reason().equals(s.reason())
                && before.hash().equals(s.hash())) {
            return; // rewritten as it was (on a new lease, or a new PID or since): nothing a person would see
        }
        Map<String, String> f = withIp(s.machineId(), fields("load", s.loadState(), "active", s.activeState(),
                "sub", s.subState(), "hash", s.hash().hex()));
        if (s.mainPid().isPresent()) {
            f.put("mainPID", Long.toString(s.mainPid().getAsLong()));
        }
        f.put("since", s.since().toString());
        s.reason().ifPresent(r -> f.put("reason", Secrets.redact(r)));
        if (before != null) {
            f.put("previous", before.activeState() + "/" + before.subState());
        }
        out.add(pending(ClusterEvent.STATE, s.unit(), s.machineId(), f));
    }

    /** A registration, or a change of health; a rewrite with the same health (a new output) is not an event. */
    private void endpointChanged(ServiceEndpoint e, List<Pending> out) {
        ServiceHealth before = endpoints.put(new EndpointKey(e.service(), e.unit(), e.machineId()), e.health());
        if (before == e.health()) {
            return;
        }
        Map<String, String> f = withIp(e.machineId(), fields("change", before == null ? "registered" : "health-changed",
                "service", e.service(), "address", e.address(), "port", Integer.toString(e.port()),
                "health", e.health().wireName(), "previous", before == null ? null : before.wireName()));
        e.output().ifPresent(o -> f.put("output", o));
        out.add(pending(ClusterEvent.ENDPOINT, e.unit(), e.machineId(), f));
    }

    private String unassignReason(UnitName unit, MachineId from, Set<UnitName> destroyed, Set<UnitName> unschedulable,
            Map<UnitName, DesiredState> desired, Set<MachineId> leaving) {
        if (destroyed.contains(unit)) {
            return "unit destroyed";
        }
        if (unschedulable.contains(unit)) {
            return "it fits on no machine now";
        }
        UnitInfo info = units.get(unit);
        DesiredState state = desired.getOrDefault(unit, info == null ? null : info.desired());
        if (state == DesiredState.INACTIVE) {
            return "desired state inactive";
        }
        if (info != null && info.global()) {
            return "global units are not scheduled: every machine whose metadata matches runs them";
        }
        if (leaving.contains(from) || !machines.containsKey(from)) {
            return "machine " + from.shortId() + " is gone";
        }
        return "taken off its machine by the engine";
    }

    private static String reasons(UnschedulableRecord record) {
        return record.reasons().stream()
                .map(r -> r.machineId().map(m -> m.shortId() + ": ").orElse("") + r.reason())
                .collect(Collectors.joining("; "));
    }

    /** What the engine goes by when it places the unit, for the assignment's reason; empty: the least loaded. */
    private static UnitInfo info(UnitRecord unit) {
        Optional<String> placedBy = Optional.empty();
        boolean global = false;
        try {
            FleetOptions fleet = FleetOptions.parse(UnitFile.parse(unit.name().name(), unit.contents()), unit.name());
            global = fleet.global();
            if (fleet.machineId().isPresent()) {
                placedBy = Optional.of("MachineID=" + fleet.machineId().get());
            } else if (!fleet.machineOf().isEmpty()) {
                placedBy = Optional.of("MachineOf=" + fleet.machineOf().stream().map(UnitName::name)
                        .collect(Collectors.joining(" ")));
            }
        } catch (RuntimeException e) {
            // A file that does not parse is never placed; nothing to say.
        }
        return new UnitInfo(unit.desiredState(), unit.hash(), placedBy, global);
    }

    private Map<String, String> withIp(MachineId machine, Map<String, String> f) {
        Machine m = machines.get(machine);
        if (m != null) {
            Map<String, String> out = fields("ip", m.publicIp());
            out.putAll(f);
            return out;
        }
        return f;
    }

    private static Pending pending(String type, UnitName unit, MachineId machine, Map<String, String> fields) {
        Map<String, String> redacted = new LinkedHashMap<>();
        fields.forEach((k, v) -> redacted.put(k, Secrets.redact(v)));
        return new Pending(ORDER.indexOf(type), type, unit == null ? null : unit.name(),
                machine == null ? null : machine.value(), redacted);
    }

    /** Fields from name-value pairs, in order; null values are left out. */
    private static Map<String, String> fields(String... pairs) {
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                f.put(pairs[i], Objects.requireNonNull(pairs[i + 1]));
            }
        }
        return f;
    }
}
