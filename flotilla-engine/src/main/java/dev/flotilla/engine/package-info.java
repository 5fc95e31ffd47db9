/**
 * The engine leader: {@link dev.flotilla.engine.Engine} campaigns for the leadership on its agent's
 * lease and, while it leads, keeps the schedule in line with the registry: watch events (batched)
 * or the periodic resync start a pass, which maps the registry snapshot to the scheduler's
 * {@link dev.flotilla.engine.scheduler.ClusterSnapshot}, plans, and applies the plan's changes with
 * compare-and-set guarded by the leadership term. {@link dev.flotilla.engine.EngineStatus} and
 * {@link dev.flotilla.engine.EngineListener} let the API show what it does.
 *
 * <p>The pure scheduler is in {@link dev.flotilla.engine.scheduler}. docs/engine.md describes
 * leadership, pass triggers, plan application and the failover timeline; docs/scheduling.md the
 * placement rules.
 */
package dev.flotilla.engine;
