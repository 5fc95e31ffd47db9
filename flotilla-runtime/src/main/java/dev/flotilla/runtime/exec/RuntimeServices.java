package dev.flotilla.runtime.exec;

import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import dev.flotilla.runtime.UnitStatus;

/**
 * What every unit of one exec runtime shares. Immutable holder of thread-safe parts.
 *
 * @param clock the source of "now" for states, deadlines and journal lines
 * @param launcher starts commands through the shim
 * @param cgroups applies resource limits
 * @param requireLimits whether a limit that cannot be applied fails the unit
 * @param journalMaxBytes the bound of each unit's journal
 * @param publish hands every state change to the runtime's listeners
 * @param executor runs unit lifecycles and journal drains (virtual threads)
 * @param bootId this boot's ID; PIDs recorded under another boot mean nothing
 * @param blocking runs the lifecycles' process spawns and record writes off their carriers
 */
record RuntimeServices(InstantSource clock, ProcessLauncher launcher, Cgroups cgroups, boolean requireLimits,
        long journalMaxBytes, Consumer<UnitStatus> publish, ExecutorService executor, String bootId,
        BlockingCalls blocking) {}
