/**
 * The pure scheduler: {@link dev.flotilla.engine.scheduler.UnitScheduler#plan} turns a
 * {@link dev.flotilla.engine.scheduler.ClusterSnapshot} (live machines, units with their
 * {@code [X-Fleet]} options, desired states and current machines) into a
 * {@link dev.flotilla.engine.scheduler.Plan}: {@link dev.flotilla.engine.scheduler.Decision}s to
 * apply with compare-and-set, and, for each unit that fits nowhere, every machine's
 * {@link dev.flotilla.engine.scheduler.Veto}s. No I/O, no clock, no randomness; deterministic for a
 * snapshot whatever its list order. Every public type is immutable and thread-safe.
 *
 * <p>docs/scheduling.md describes the rules for users.
 */
package dev.flotilla.engine.scheduler;
