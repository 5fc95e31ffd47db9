package dev.flotilla.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitPlacement;
import dev.flotilla.api.UnitState;

/**
 * Blocks until units reach the state a command asked for, as fleetctl did: it polls the units'
 * {@code currentState} (and, for {@code launched}, the unit's state on its machine until systemd says
 * {@code loaded}/{@code active}), printing {@code Unit web@01.service launched on 6847f4f7.../10.0.0.1}
 * for each as it gets there. An attempt is {@link #ATTEMPT} of polling every {@link #POLL}.
 *
 * <p>Never silent about a unit that cannot get there: when the engine has recorded why a unit cannot be
 * placed, the reasons per machine are printed while waiting forever, and are the error when the attempts
 * run out. Not thread-safe.
 */
final class StateWaiter {

    /** One attempt: fleetctl polled for 2 s per attempt. */
    static final Duration ATTEMPT = Duration.ofSeconds(2);
    /** How often the states are read within an attempt (fleetctl: 250 ms). */
    static final Duration POLL = Duration.ofMillis(250);
    /** Up to this many units are polled one by one; more are read with one listing. */
    private static final int ONE_BY_ONE = 8;

    /** What was seen of a unit: the unit (null once destroyed) and its state on its machine (null if none). */
    private record Seen(String name, Unit unit, UnitState state) {
    }

    private final FleetClient client;
    private final MachineLegends legends;
    private final PrintWriter out;
    private final PrintWriter err;

    StateWaiter(FleetClient client, MachineLegends legends, PrintWriter out, PrintWriter err) {
        this.client = client;
        this.legends = legends;
        this.out = out;
        this.err = err;
    }

    /**
     * Waits for {@code units} to reach {@code goal}.
     *
     * @param verb what {@code --no-block} reports: {@code Triggered unit NAME VERB}
     * @param attempts -1: do not wait; 0: wait forever; N: give up after N attempts
     * @param quiet whether to leave out the {@code Unit NAME STATE on MACHINE} lines
     * @throws CliException when units did not get there within the attempts; it says where each one is and
     *     why (the reasons it cannot be scheduled, its state on its machine)
     * @throws ApiException when the API fails
     */
    void await(List<String> units, DesiredState goal, String verb, int attempts, boolean quiet) throws ApiException {
        if (attempts < 0) {
            units.forEach(name -> out.println("Triggered unit " + name + " " + verb));
            out.flush();
            return;
        }
        Instant start = Instant.now();
        Instant deadline = attempts == 0 ? null : start.plus(ATTEMPT.multipliedBy(attempts));
        Instant nextReasonCheck = start.plus(ATTEMPT);
        Set<String> pending = new LinkedHashSet<>(units);
        Map<String, List<UnitPlacement.Refusal>> shown = new HashMap<>();
        while (true) {
            Map<String, Seen> seen = observe(pending, goal);
            for (String name : List.copyOf(pending)) {
                Seen s = seen.get(name);
                if (s.unit() == null) {
                    throw new CliException(ExitCodes.FAILED, "unit " + name + " was destroyed while waiting for it to be "
                            + goal.wire());
                }
                if (reached(s, goal)) {
                    pending.remove(name);
                    if (!quiet) {
                        out.println("Unit " + name + " " + s.unit().currentState() + on(s.unit().machineID()));
                        out.flush();
                    }
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            Instant now = Instant.now();
            if (deadline != null && !now.isBefore(deadline)) {
                throw new CliException(ExitCodes.FAILED, timedOut(pending, seen, goal, attempts));
            }
            if (attempts == 0 && !now.isBefore(nextReasonCheck)) {
                nextReasonCheck = now.plus(ATTEMPT);
                reportUnschedulable(pending, seen, shown);
            }
            sleep();
        }
    }

    /**
     * Whether the unit got there. For {@code launched}, its machine must report it active with the unit's
     * current contents (after {@code start --replace}, the old contents running is not enough).
     */
    private static boolean reached(Seen s, DesiredState goal) {
        if (!goal.wire().equals(s.unit().currentState())) {
            return false;
        }
        if (goal != DesiredState.LAUNCHED) {
            return true;
        }
        UnitState state = s.state();
        return state != null && state.isLoadedAndActive()
                && (state.hash() == null || s.unit().hash() == null || state.hash().equals(s.unit().hash()));
    }

    /**
     * For a unit that already has the desired state: if it is not placed on a machine and the engine has
     * recorded why, says so on stderr (and does not wait).
     */
    void explainIfWaiting(String name) throws ApiException {
        Unit unit = client.unit(name).orElse(null);
        if (unit == null || unit.machineID() != null) {
            return;
        }
        List<UnitPlacement.Refusal> reasons = reasons(name);
        if (!reasons.isEmpty()) {
            err.println("Unit " + name + " is " + unit.desiredState() + " but cannot be scheduled yet (still waiting):"
                    + reasonLines(reasons));
            err.flush();
        }
    }

    private Map<String, Seen> observe(Set<String> names, DesiredState goal) throws ApiException {
        Map<String, Seen> seen = new HashMap<>();
        boolean wantStates = goal == DesiredState.LAUNCHED;
        if (names.size() <= ONE_BY_ONE) {
            for (String name : names) {
                Unit unit = client.unit(name).orElse(null);
                UnitState state = null;
                if (unit != null && wantStates && unit.machineID() != null) {
                    state = client.states(unit.machineID(), name).stream().findFirst().orElse(null);
                }
                seen.put(name, new Seen(name, unit, state));
            }
            return seen;
        }
        Map<String, Unit> units = new HashMap<>();
        client.units().forEach(u -> units.put(u.name(), u));
        Map<String, UnitState> states = new HashMap<>();
        if (wantStates) {
            client.states(null, null).forEach(s -> states.put(s.name() + "\0" + s.machineID(), s));
        }
        for (String name : names) {
            Unit unit = units.get(name);
            UnitState state = unit == null || unit.machineID() == null ? null : states.get(name + "\0" + unit.machineID());
            seen.put(name, new Seen(name, unit, state));
        }
        return seen;
    }

    /** While waiting forever, says (once per change) why units cannot be placed: never hang silently. */
    private void reportUnschedulable(Set<String> pending, Map<String, Seen> seen,
            Map<String, List<UnitPlacement.Refusal>> shown) throws ApiException {
        for (String name : pending) {
            if (seen.get(name).unit().machineID() != null) {
                continue;
            }
            List<UnitPlacement.Refusal> reasons = reasons(name);
            if (!reasons.isEmpty() && !reasons.equals(shown.get(name))) {
                shown.put(name, reasons);
                err.println("Unit " + name + " cannot be scheduled yet (still waiting):" + reasonLines(reasons));
                err.flush();
            }
        }
    }

    private String timedOut(Set<String> pending, Map<String, Seen> seen, DesiredState goal, int attempts)
            throws ApiException {
        List<String> lines = new ArrayList<>();
        for (String name : pending) {
            lines.add("unit " + name + " did not become " + goal.wire() + " within " + attempts
                    + (attempts == 1 ? " attempt (" : " attempts (") + ATTEMPT.multipliedBy(attempts).toSeconds() + " s): "
                    + where(seen.get(name), goal));
        }
        lines.add("(wait longer with --block-attempts N; 0 waits forever)");
        return String.join("\n", lines);
    }

    /** Where a unit is and why it is not further, for people. */
    private String where(Seen s, DesiredState goal) throws ApiException {
        String machine = s.unit().machineID();
        if (machine == null) {
            List<UnitPlacement.Refusal> reasons = goal == DesiredState.INACTIVE ? List.of() : reasons(s.name());
            return reasons.isEmpty() ? "it is not placed on any machine yet (is an engine running? see list-machines)"
                    : "it cannot be scheduled:" + reasonLines(reasons);
        }
        if (s.state() == null) {
            return goal == DesiredState.LAUNCHED && "launched".equals(s.unit().currentState())
                    ? "it has no state on " + legends.of(machine, false)
                    : "it is placed on " + legends.of(machine, false) + ", whose agent has not reported it yet";
        }
        UnitState st = s.state();
        return "it is " + st.systemdActiveState() + " (" + st.systemdSubState() + ") on " + legends.of(machine, false)
                + (st.reason() == null ? "" : ": " + st.reason());
    }

    private List<UnitPlacement.Refusal> reasons(String name) throws ApiException {
        return client.placement(name).map(UnitPlacement::unschedulable).orElse(List.of());
    }

    private String reasonLines(List<UnitPlacement.Refusal> reasons) throws ApiException {
        StringBuilder b = new StringBuilder();
        for (UnitPlacement.Refusal r : reasons) {
            b.append("\n  ").append(r.machineID() == null ? "every machine" : legends.of(r.machineID(), false))
                    .append(": ").append(r.reason());
        }
        return b.toString();
    }

    private String on(String machineId) throws ApiException {
        return machineId == null ? "" : " on " + legends.of(machineId, false);
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted while waiting for the units");
        }
    }
}
