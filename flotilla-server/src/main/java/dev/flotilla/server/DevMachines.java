package dev.flotilla.server;

import java.util.List;

import dev.flotilla.api.DevMachine;

/**
 * The simulated machines of a dev cluster ({@code flotilla dev}, {@code flotilla demo}), which the API lets a user
 * stop and start again ({@code /v1/dev/machines}) to watch the cluster heal. Only a dev cluster gives its API
 * servers one; a real agent's API answers 404 on those paths. Implementations are thread-safe.
 */
public interface DevMachines {

    /** Every machine, running or not, in number order. */
    List<DevMachine> list();

    /**
     * Stops the machine {@code machine} names (number, IP or machine-ID prefix) as a machine loss would: its units
     * stop, its lease goes, the engine moves its units. Stopping a stopped machine changes nothing.
     *
     * @throws IllegalArgumentException when no machine, or more than one, matches
     */
    DevMachine stop(String machine);

    /**
     * Starts the machine again, on its own address and data directory (the same machine ID). Starting a running
     * machine changes nothing.
     *
     * @throws IllegalArgumentException when no machine, or more than one, matches
     * @throws IllegalStateException when it cannot start (the message says why)
     */
    DevMachine start(String machine);

    /** The machine {@code machine} names, as {@link #stop} finds it. */
    DevMachine find(String machine);
}
