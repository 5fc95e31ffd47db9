package dev.flotilla.runtime.docker;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;

import dev.flotilla.runtime.UnitStatus;

/** What every {@link ContainerUnit} of one runtime shares with it. Thread-safe. */
interface RuntimeContext {

    /**
     * The engine, connected and watched (its container events reach the units).
     *
     * @throws Engine.EngineException (unreachable) when it does not answer; the runtime then retries every
     *     {@link #engineRetry()} and tells the units once it answers again
     */
    Engine engine() throws Engine.EngineException;

    /** The engine client without checking it answers, for questions whose failure is reported as text. */
    Engine engineUnchecked();

    InstantSource clock();

    /** Hands a unit's new status to the runtime's listeners. */
    void publish(UnitStatus status);

    /** The runtime's state directory, as its labels carry it. */
    String stateDirLabel();

    ScheduledExecutorService scheduler();

    Duration engineRetry();

    /** The agent's process ID, for the runtime's own journal lines. */
    long agentPid();
}
