package dev.flotilla.daemon;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.api.DevMachine;
import dev.flotilla.registry.Registry;
import dev.flotilla.server.ApiSettings;
import dev.flotilla.server.ClusterEvents;
import dev.flotilla.server.DevMachines;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.embedded.EmbeddedKvStore;

/**
 * Dev mode: one process, one embedded store, N machines on 127.0.0.2 .. 127.0.0.(N+1) (or from another first
 * loopback address), each a full {@link MachineDaemon} (agent with real processes, engine, API server). Closing it
 * stops every unit and every machine, so nothing is left behind.
 *
 * <p>A user can stop one machine and start it again ({@link DevMachines}, served by every machine's API at
 * {@code /v1/dev/machines}) to watch the cluster heal: a stop drains the machine (its endpoints leave the registry
 * first, then its units stop) and gives up its lease, so the engine places its units elsewhere; a start brings the
 * same machine (same ID, address and data directory) back. Thread-safe.
 */
public final class DevCluster implements AutoCloseable, DevMachines {

    /** The most machines dev mode simulates (each needs its own loopback address). */
    public static final int MAX_MACHINES = 250;

    /** The address of the first machine unless told otherwise. */
    public static final String DEFAULT_FIRST_IP = "127.0.0.2";

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final KvStore store;
    private final ClusterEvents events;
    private final ApiSettings api;
    private final List<Slot> slots = new ArrayList<>();
    private boolean closed;

    /** One simulated machine: where it lives, and its daemon while it runs. */
    private static final class Slot {
        final int number;
        final String ip;
        final AgentConfig config;
        MachineDaemon daemon;
        String machineId;

        Slot(int number, String ip, AgentConfig config) {
            this.number = number;
            this.ip = ip;
            this.config = config;
        }
    }

    private DevCluster(KvStore store, ClusterEvents events, ApiSettings api) {
        this.store = store;
        this.events = events;
        this.api = api;
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
     * Starts {@code count} machines on 127.0.0.2 and up whose APIs serve as {@code api} says.
     *
     * @throws DaemonStartException when a machine cannot start; the ones already started are stopped
     */
    public static DevCluster start(int count, Path dataDir, ApiSettings api) throws DaemonStartException {
        return start(count, dataDir, api, DEFAULT_FIRST_IP);
    }

    /**
     * Starts {@code count} machines whose APIs serve as {@code api} says (its port, token and TLS; each machine
     * on its own address), the first on {@code firstIp} and the others on the following addresses. With TLS, the
     * certificate must name every machine's address, since the machines forward status and journal requests to
     * each other.
     *
     * @throws IllegalArgumentException when {@code firstIp} is not an IPv4 loopback address or the machines would
     *     run past 127.255.255.254
     * @throws DaemonStartException when a machine cannot start; the ones already started are stopped
     */
    public static DevCluster start(int count, Path dataDir, ApiSettings api, String firstIp) throws DaemonStartException {
        if (count < 1 || count > MAX_MACHINES) {
            throw new IllegalArgumentException("--machines must be between 1 and " + MAX_MACHINES + ", not " + count);
        }
        List<String> ips = addresses(firstIp, count);
        KvStore store = EmbeddedKvStore.inMemory();
        // One events log for every machine: they share the store, so N watches of it would see the same events.
        ClusterEvents events = ClusterEvents.start(Registry.create(store), InstantSource.system(),
                ClusterEvents.DEFAULT_CAPACITY);
        DevCluster cluster = new DevCluster(store, events, api);
        try {
            for (int i = 0; i < count; i++) {
                String ip = ips.get(i);
                AgentConfig config = AgentConfig.of(store, dataDir.resolve("machine-" + (i + 1)), ip)
                        .withHostname("machine-" + (i + 1))
                        .withMetadata(Map.of("machine", Integer.toString(i + 1)));
                Slot slot = new Slot(i + 1, ip, config);
                synchronized (cluster) {
                    cluster.slots.add(slot);
                    cluster.launch(slot);
                }
            }
        } catch (DaemonStartException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The running machines, in address order. */
    public synchronized List<MachineDaemon> machines() {
        return slots.stream().filter(s -> s.daemon != null).map(s -> s.daemon).toList();
    }

    /** The shared store, for tests that look behind the API. */
    public KvStore store() {
        return store;
    }

    /** Waits until every running machine has joined. */
    public boolean awaitJoined(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (MachineDaemon machine : machines()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !machine.awaitJoined(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized List<DevMachine> list() {
        return slots.stream().map(DevCluster::view).toList();
    }

    @Override
    public synchronized DevMachine find(String machine) {
        return view(slot(machine));
    }

    @Override
    public synchronized DevMachine stop(String machine) {
        Slot slot = slot(machine);
        if (slot.daemon != null) {
            slot.daemon.drainAndClose(DRAIN_TIMEOUT);
            slot.daemon = null;
        }
        return view(slot);
    }

    @Override
    public synchronized DevMachine start(String machine) {
        Slot slot = slot(machine);
        if (slot.daemon == null && !closed) {
            try {
                launch(slot);
            } catch (DaemonStartException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return view(slot);
    }

    /** Stops every unit of every machine, then the machines and the store. */
    @Override
    public void close() {
        List<MachineDaemon> running;
        synchronized (this) {
            closed = true;
            running = machines();
            slots.forEach(s -> s.daemon = null);
        }
        for (MachineDaemon machine : running.reversed()) {
            machine.drainAndClose(DRAIN_TIMEOUT);
        }
        events.close();
        try {
            store.close();
        } catch (RuntimeException e) {
            // Closing an in-memory store cannot lose anything; nothing to report.
        }
    }

    private void launch(Slot slot) throws DaemonStartException {
        slot.daemon = MachineDaemon.start(slot.config, api.onHost(slot.ip).withEvents(events).withDevMachines(this));
        slot.machineId = slot.daemon.machineId().value();
    }

    /** The slot {@code machine} names: its number, its IP, or a unique prefix of its machine ID. */
    private Slot slot(String machine) {
        String wanted = machine.strip();
        List<Slot> found = slots.stream().filter(s -> Integer.toString(s.number).equals(wanted) || s.ip.equals(wanted)
                || ("machine-" + s.number).equals(wanted)).toList();
        if (found.isEmpty() && wanted.length() >= 4) {
            found = slots.stream().filter(s -> s.machineId != null && s.machineId.startsWith(wanted)).toList();
        }
        if (found.size() != 1) {
            throw new IllegalArgumentException((found.isEmpty() ? "no machine is " : "more than one machine matches ")
                    + "'" + machine + "'; name one by number (1.." + slots.size() + "), IP or machine ID");
        }
        return found.getFirst();
    }

    private static DevMachine view(Slot slot) {
        return new DevMachine(slot.number, slot.ip, slot.machineId, slot.daemon != null,
                slot.daemon == null ? null : slot.daemon.apiUrl().toString());
    }

    /** {@code count} consecutive IPv4 loopback addresses from {@code first}. */
    private static List<String> addresses(String first, int count) {
        InetAddress address;
        try {
            address = InetAddress.getByName(first);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("the first machine's address '" + first + "' is not an IP address");
        }
        if (!(address instanceof Inet4Address) || !address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the first machine's address " + first
                    + " must be an IPv4 loopback address (127.x.y.z)");
        }
        byte[] b = address.getAddress();
        long base = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        long last = base + count - 1;
        if ((b[3] & 0xFF) == 0 || last >= 0x7FFFFFFFL) {
            throw new IllegalArgumentException(count + " machines from " + first
                    + " would not fit in 127.0.0.1 .. 127.255.255.254");
        }
        List<String> ips = new ArrayList<>();
        for (long a = base; a <= last; a++) {
            ips.add(((a >> 24) & 0xFF) + "." + ((a >> 16) & 0xFF) + "." + ((a >> 8) & 0xFF) + "." + (a & 0xFF));
        }
        return ips;
    }
}
