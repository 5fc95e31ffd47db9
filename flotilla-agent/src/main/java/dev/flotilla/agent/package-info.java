/**
 * The agent every machine runs: its identity (a machine ID kept in the data directory), its
 * liveness (a store lease it keeps alive), its registration, and the reconciler that makes the
 * machine's runtimes run what the registry schedules on it.
 *
 * <p>The public surface is small: {@link dev.flotilla.agent.AgentConfig} says what to run,
 * {@link dev.flotilla.agent.Agent} runs it, {@link dev.flotilla.agent.AgentStatus} and
 * {@link dev.flotilla.agent.AgentEvent} tell callers (the engine, the API server) how it is
 * doing. Everything else is package-private: the pure planner ({@code Planner}: snapshot in,
 * tasks out, as fleet's {@code agent/reconcile.go}), the lease keeper, the fencing decision and
 * the state publisher. docs/agent.md explains the behaviour and its timings.
 */
package dev.flotilla.agent;
