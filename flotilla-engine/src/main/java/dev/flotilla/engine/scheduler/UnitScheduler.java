package dev.flotilla.engine.scheduler;

import java.util.Objects;

/**
 * The pure scheduler: {@code plan(snapshot) -> plan}, with fleet's {@code [X-Fleet]} semantics.
 * No I/O, no clock, no randomness: the same snapshot (in any list order) gives an equal plan.
 *
 * <p>Rules, in short (docs/scheduling.md has them for users): templates and global units are never
 * placed (every machine whose metadata matches runs a global unit; it counts toward that machine's
 * load and its {@code Conflicts=} apply there); inactive units are unassigned; every other unit
 * needs one machine. A unit already on a live machine where its constraints still hold stays
 * there. Others go, in dependency order ({@code MachineOf=} peers first, then by name), to the
 * least-loaded machine that passes every constraint, ties broken by machine ID. A new unit with
 * {@code Replaces=} prefers the machine of a unit it replaces; wherever a unit lands, the units it
 * replaces there move elsewhere (units that replace each other in a circle are rivals: at most
 * one runs). Units that fit nowhere are listed with every machine's reasons. A plan applied and
 * planned again changes nothing.
 *
 * <p>Cost: about O(units x log machines) plus the conflict checks, which are indexed per machine.
 * Stateless and thread-safe.
 */
public final class UnitScheduler {

    /** A scheduler; it holds no state, so one instance can serve every caller. */
    public UnitScheduler() {}

    /**
     * Plans placements for {@code snapshot}.
     *
     * @throws NullPointerException when {@code snapshot} is null
     */
    public Plan plan(ClusterSnapshot snapshot) {
        return new SchedulingRun(Objects.requireNonNull(snapshot, "snapshot")).run();
    }
}
