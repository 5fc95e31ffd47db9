package dev.flotilla.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.registry.Registry;
import dev.flotilla.server.ApiSettings;
import dev.flotilla.server.ClusterEvents;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.embedded.EmbeddedKvStore;

/**
 * Dev mode: one process, one embedded store, N machines on 127.0.0.2 .. 127.0.0.(N+1), each a full
 * {@link MachineDaemon} (agent with real processes, engine, API server). Closing it stops every unit
 * and every machine, so nothing is left behind.
 */
public final class DevCluster implements AutoCloseable {

    /** The most machines dev mode simulates (each needs its own loopback address). */
    public static final int MAX_MACHINES = 250;

    private final KvStore store;
    private final List<MachineDaemon> machines;
    private final ClusterEvents events;

    private DevCluster(KvStore store, List<MachineDaemon> machines, ClusterEvents events) {
        this.store = store;
        this.machines = List.copyOf(machines);
        this.events = events;
    }

    /**
     * Starts {@code count} machines.
     *
     * @param count   how many machines, 1..{@value #MAX_MACHINES}
     * @param dataDir where each machine keeps its data (machine ID, unit state), one subdirectory each
     * @param apiPort the API port of every machine (each on its own address), 0 for any free port
     * @throws DaemonStartException when a machine cannot start; the ones already started are stopped
     */
    public static DevCluster start(int count, Path dataDir, int apiPort) throws DaemonStartException {
        return start(count, dataDir, ApiSettings.on("127.0.0.1", apiPort));
    }

    /**
     * Starts {@code count} machines whose APIs serve as {@code api} says (its port, token and TLS; each machine
     * on its own address). With TLS, the certificate must name every machine's address (127.0.0.2 and up), since
     * the machines forward status and journal requests to each other.
     *
     * @throws DaemonStartException when a machine cannot start; the ones already started are stopped
     */
    public static DevCluster start(int count, Path dataDir, ApiSettings api) throws DaemonStartException {
        if (count < 1 || count > MAX_MACHINES) {
            throw new IllegalArgumentException("--machines must be between 1 and " + MAX_MACHINES + ", not " + count);
        }
        KvStore store = EmbeddedKvStore.inMemory();
        List<MachineDaemon> started = new ArrayList<>();
        // One events log for every machine: they share the store, so N watches of it would see the same events.
        ClusterEvents events = ClusterEvents.start(Registry.create(store), InstantSource.system(),
                ClusterEvents.DEFAULT_CAPACITY);
        try {
            for (int i = 0; i < count; i++) {
                String ip = "127.0.0." + (i + 2);
                AgentConfig config = AgentConfig.of(store, dataDir.resolve("machine-" + (i + 1)), ip)
                        .withHostname("machine-" + (i + 1))
                        .withMetadata(Map.of("machine", Integer.toString(i + 1)));
                started.add(MachineDaemon.start(config, api.onHost(ip).withEvents(events)));
            }
        } catch (DaemonStartException | RuntimeException e) {
            for (MachineDaemon machine : started.reversed()) {
                machine.drainAndClose(Duration.ofSeconds(30));
            }
            events.close();
            store.close();
            throw e;
        }
        return new DevCluster(store, started, events);
    }

    /** The machines, in address order. */
    public List<MachineDaemon> machines() {
        return machines;
    }

    /** The shared store, for tests that look behind the API. */
    public KvStore store() {
        return store;
    }

    /** Waits until every machine has joined. */
    public boolean awaitJoined(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (MachineDaemon machine : machines) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !machine.awaitJoined(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    /** Stops every unit of every machine, then the machines and the store. */
    @Override
    public void close() {
        for (MachineDaemon machine : machines.reversed()) {
            machine.drainAndClose(Duration.ofSeconds(30));
        }
        events.close();
        try {
            store.close();
        } catch (RuntimeException e) {
            // Closing an in-memory store cannot lose anything; nothing to report.
        }
    }

}
