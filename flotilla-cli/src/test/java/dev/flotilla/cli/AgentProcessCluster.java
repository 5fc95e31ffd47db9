package dev.flotilla.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Machine;
import dev.flotilla.testkit.EtcdCluster;
import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.TcpProxy;
import dev.flotilla.testkit.WorkDirs;

/**
 * A multi-process Flotilla cluster for tests, as users run one: one real etcd (the test kit's
 * {@link EtcdServer}) and N {@code flotilla agent} processes of the packaged jar ({@link AgentProcess}), each on
 * its own loopback IP of the cluster's subnet ({@code 127.0.5.1}, {@code 127.0.5.2}, ... in the order they are
 * added), with its API on a free port of that IP, its own data directory and metadata. Units are real processes
 * supervised by the agents' exec runtimes.
 *
 * <p>The test drives it through the CLI ({@link #cli}, or {@link AgentProcess#cli} for one agent's endpoint), run
 * in {@link #unitDir()}, where {@link #unitFile} writes unit files. It can add agents later, kill one with
 * SIGKILL or stop it with SIGTERM and start it again on the same data directory, and find the real processes of
 * units: {@link #newMarker()} hands out a number to put in a unit's {@code ExecStart=/bin/sleep MARKER}, and
 * {@link #unitProcesses(String)} finds those {@code sleep} processes and the agent each runs under (by its
 * supervisor's data directory).
 *
 * <p>{@link #close()} stops every agent (SIGTERM), kills every fencing watchdog and unit process (agents leave
 * their units running by design; a killed agent's watchdog stops them only once its lease may have expired), and
 * stops etcd. Everything lives under one work directory
 * ({@link WorkDirs}); the agents' logs stay there. Use one cluster per test class (one etcd per class), a subnet
 * no other test class uses, and {@link #destroyAllUnits()} between tests. Thread-safe.
 */
final class AgentProcessCluster implements AutoCloseable {

    /** How long units may take to be placed, started, moved or stopped in a test's waits. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String subnet;
    private final Duration leaseTtl;
    private final Path dir;
    private final EtcdServer etcd;
    private final EtcdCluster etcdCluster;
    private final Map<String, TcpProxy> proxies = new ConcurrentHashMap<>();
    private final List<AgentProcess> agents = new CopyOnWriteArrayList<>();
    private final Set<String> markers = ConcurrentHashMap.newKeySet();
    private final Thread reaper;

    private AgentProcessCluster(String name, String subnet, Duration leaseTtl, int etcdMembers) {
        if (!subnet.matches("127\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("a subnet is three octets of 127.0.0.0/8, e.g. 127.0.5: " + subnet);
        }
        this.subnet = subnet;
        this.leaseTtl = leaseTtl;
        this.dir = WorkDirs.create("agents-" + name);
        try {
            Files.createDirectories(unitDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.etcd = etcdMembers == 1 ? EtcdServer.startNew() : null;
        this.etcdCluster = etcdMembers == 1 ? null : EtcdCluster.start(etcdMembers);
        // A test JVM that exits without close() (a crash, Ctrl-C) leaves no agent or unit behind.
        this.reaper = new Thread(this::killEverything, "agent-cluster-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts etcd and the agents (in parallel) and returns once every agent serves its API and the cluster lists
     * every machine.
     *
     * @param name     names the work directory
     * @param subnet   three octets, {@code "127.0.5"}: the agents get {@code .1}, {@code .2}, ... of it
     * @param leaseTtl every agent's {@code --lease-ttl} unless its spec says otherwise
     */
    static AgentProcessCluster start(String name, String subnet, Duration leaseTtl, AgentSpec... specs) {
        return start(name, subnet, leaseTtl, 1, specs);
    }

    /**
     * As {@link #start(String, String, Duration, AgentSpec...)}, on an etcd cluster of {@code etcdMembers} members
     * ({@link EtcdCluster}): every agent is given every member's endpoint.
     */
    static AgentProcessCluster start(String name, String subnet, Duration leaseTtl, int etcdMembers,
            AgentSpec... specs) {
        AgentProcessCluster cluster = new AgentProcessCluster(name, subnet, leaseTtl, etcdMembers);
        try {
            cluster.addAgents(specs);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Starts more agents (in parallel, each on the next IP of the subnet) and waits until they serve and the
     * cluster lists them with the other live machines.
     */
    synchronized List<AgentProcess> addAgents(AgentSpec... specs) {
        List<AgentProcess> added = new ArrayList<>();
        for (AgentSpec spec : specs) {
            if (agents.stream().anyMatch(a -> a.name().equals(spec.name()))) {
                throw new IllegalArgumentException("there is already an agent " + spec.name());
            }
            int host = agents.size() + 1;
            if (host > 254) {
                throw new IllegalStateException("subnet " + subnet + " is full");
            }
            String endpoints = etcd != null ? etcd.endpoint() : String.join(",", etcdCluster.endpoints());
            if (spec.proxied()) {
                if (etcd == null) {
                    throw new IllegalArgumentException("a proxied agent needs a single-member etcd");
                }
                TcpProxy proxy = TcpProxy.to("127.0.0.1", etcd.clientPort());
                proxies.put(spec.name(), proxy);
                endpoints = proxy.url("http");
            }
            AgentProcess agent = new AgentProcess(spec, subnet + "." + host, dir.resolve(spec.name()), endpoints,
                    leaseTtl);
            agents.add(agent);
            added.add(agent);
            agent.launch();
        }
        added.forEach(AgentProcess::awaitServing);
        awaitMachines();
        return added;
    }

    /** Starts one more agent; see {@link #addAgents}. */
    AgentProcess addAgent(AgentSpec spec) {
        return addAgents(spec).getFirst();
    }

    /** Every agent ever added, running or not, in the order added. */
    List<AgentProcess> agents() {
        return List.copyOf(agents);
    }

    /** The agents whose process runs. */
    List<AgentProcess> liveAgents() {
        return agents.stream().filter(AgentProcess::isAlive).toList();
    }

    /** The agent named {@code name}. */
    AgentProcess agent(String name) {
        return agents.stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no agent " + name));
    }

    /** The agent whose machine is {@code machineId} (full, or its first 8 characters). */
    AgentProcess agentOfMachine(String machineId) {
        return agents.stream().filter(a -> a.machineId().startsWith(machineId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no agent runs machine " + machineId));
    }

    /** The agent a legend printed by the CLI names ({@code 2aa4e35a.../127.0.5.1}, with or without {@code --full}). */
    AgentProcess agentOfLegend(String legend) {
        int slash = legend.indexOf('/');
        String id = (slash < 0 ? legend : legend.substring(0, slash)).replace("...", "");
        AgentProcess agent = agentOfMachine(id);
        if (slash >= 0 && !legend.substring(slash + 1).equals(agent.ip())) {
            throw new AssertionError(legend + " names " + agent + " with another IP");
        }
        return agent;
    }

    /** The etcd the agents share (single-member clusters). */
    EtcdServer etcd() {
        if (etcd == null) {
            throw new IllegalStateException("this cluster runs on an etcd cluster: see etcdCluster()");
        }
        return etcd;
    }

    /** The etcd cluster the agents share (clusters started with several members). */
    EtcdCluster etcdCluster() {
        if (etcdCluster == null) {
            throw new IllegalStateException("this cluster runs on a single etcd: see etcd()");
        }
        return etcdCluster;
    }

    /** The proxy between {@code agent} and etcd (its spec said {@link AgentSpec#throughProxy()}). */
    TcpProxy proxyOf(AgentProcess agent) {
        TcpProxy proxy = proxies.get(agent.name());
        if (proxy == null) {
            throw new IllegalArgumentException(agent + " reaches etcd directly");
        }
        return proxy;
    }

    /** The directory the CLI runs in: unit files go here. */
    Path unitDir() {
        return dir.resolve("units");
    }

    /** Writes a unit file into {@link #unitDir()} and returns its path. */
    Path unitFile(String name, String text) {
        try {
            return Files.writeString(unitDir().resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code flotilla ARGS} against the first live agent, in {@link #unitDir()}. */
    CliProcess.Result cli(String... args) {
        return firstLive().cli(unitDir(), args);
    }

    /** Runs {@code flotilla ARGS} against {@code agent}'s API, in {@link #unitDir()}. */
    CliProcess.Result cli(AgentProcess agent, String... args) {
        return agent.cli(unitDir(), args);
    }

    /** A client of the first live agent's API, for polling while waiting. */
    FleetClient api() {
        return firstLive().api();
    }

    /** Asserts that a command succeeded (exit 0), with what it printed as the message, and returns its result. */
    static CliProcess.Result ok(CliProcess.Result result) {
        if (result.exitCode() != 0) {
            throw new AssertionError("the command failed: " + result);
        }
        return result;
    }

    /** The rows of a table the CLI printed with {@code --no-legend}, each split into its cells (tabs pad them). */
    static List<List<String>> rows(CliProcess.Result result) {
        return ok(result).out().lines().map(line -> List.of(line.split("\t+"))).toList();
    }

    /**
     * A number no other test uses, to put in a unit's {@code ExecStart=/bin/sleep MARKER} (it is a valid
     * duration: about 30 years); a template may append {@code %i} to it. {@link #close()} kills what is left.
     */
    String newMarker() {
        String marker = "9" + ThreadLocalRandom.current().nextLong(10_000_000L, 100_000_000L);
        markers.add(marker);
        return marker;
    }

    /** A real {@code sleep MARKER} process of a unit, and the agent whose supervisor runs it. */
    record UnitProcess(long pid, String marker, AgentProcess agent) {
    }

    /**
     * The live {@code sleep} processes whose argument starts with {@code markerPrefix}, each with the agent it
     * runs under (found through its supervisor, which runs from that agent's data directory), sorted by marker.
     * The supervisors themselves (whose command lines hold the unit's command too) are not counted.
     */
    List<UnitProcess> unitProcesses(String markerPrefix) {
        List<UnitProcess> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            Optional<String> command = p.info().command();
            Optional<String[]> arguments = p.info().arguments();
            if (command.isPresent() && command.get().endsWith("/sleep") && arguments.isPresent()
                    && arguments.get().length == 1 && arguments.get()[0].startsWith(markerPrefix)) {
                found.add(new UnitProcess(p.pid(), arguments.get()[0], hostOf(p)));
            }
        });
        found.sort(Comparator.comparing(UnitProcess::marker).thenComparing(UnitProcess::pid));
        return found;
    }

    /**
     * Waits until the API lists exactly the live agents' machines (a killed agent's machine leaves when its lease
     * expires; a new one appears once it has registered).
     */
    void awaitMachines() {
        Set<String> expected = new HashSet<>();
        liveAgents().forEach(a -> expected.add(a.machineId()));
        await("the cluster lists the machines of " + liveAgents()).atMost(PATIENCE).ignoreExceptions()
                .until(() -> machineIds().equals(expected));
    }

    /**
     * The agent whose machine leads the engine, as the API's health says; waits until one leads (after a leader's
     * death, the next takes over once its lease has expired).
     */
    AgentProcess awaitLeader() {
        String[] leader = new String[1];
        await("an engine leads").atMost(PATIENCE).ignoreExceptions().until(() -> {
            leader[0] = api().health().leader();
            return leader[0] != null && agentOfMachine(leader[0]).isAlive();
        });
        return agentOfMachine(leader[0]);
    }

    /**
     * Destroys every unit through the CLI ({@code destroy $(list-unit-files --fields=unit --no-legend)}, the
     * tutorial's clean-up) and waits until no unit is left in the API and no unit process runs under a live
     * agent. For use between tests sharing a cluster. (A killed agent's units keep running: see
     * {@link #killUnitProcessesOf}.)
     */
    void destroyAllUnits() {
        List<String> units = cli("list-unit-files", "--fields=unit", "--no-legend").out().lines().toList();
        if (!units.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("destroy"));
            args.addAll(units);
            CliProcess.Result destroy = cli(args.toArray(String[]::new));
            if (destroy.exitCode() != 0) {
                throw new AssertionError("destroy of every unit failed: " + destroy);
            }
        }
        await("no unit is left").atMost(PATIENCE).ignoreExceptions().until(() -> api().units().isEmpty()
                && api().states(null, null).isEmpty()
                && liveAgents().stream().allMatch(a -> supervisorsOf(a.dataDir()).isEmpty()));
    }

    /**
     * Kills (SIGKILL) every unit process of {@code agent} and their supervisors at once, rather than waiting for
     * its fencing watchdog to stop them when its lease may have expired. Returns once they are gone.
     */
    void killUnitProcessesOf(AgentProcess agent) {
        killTrees(supervisorsOf(agent.dataDir()));
    }

    /** Stops every agent (SIGTERM), kills every unit process and stops etcd. Idempotent. */
    @Override
    public void close() {
        try {
            liveAgents().parallelStream().forEach(a -> {
                try {
                    a.stop();
                } catch (AssertionError | RuntimeException e) {
                    a.destroyForcibly();
                }
            });
            killEverything();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // The JVM is exiting: the hook runs anyway.
            }
        }
    }

    private void killEverything() {
        agents.forEach(AgentProcess::destroyForcibly);
        killTrees(watchdogsOf(dir));
        killTrees(supervisorsOf(dir));
        List<ProcessHandle> strays = ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(args -> Stream.of(args).anyMatch(a -> markers.stream().anyMatch(a::startsWith))).orElse(false)).toList();
        killTrees(strays);
        proxies.values().forEach(TcpProxy::close);
        if (etcd != null) {
            etcd.close();
        }
        if (etcdCluster != null) {
            etcdCluster.close();
        }
    }

    private AgentProcess firstLive() {
        return liveAgents().stream().findFirst().orElseThrow(() -> new IllegalStateException("no agent is running"));
    }

    private Set<String> machineIds() throws ApiException {
        Set<String> ids = new HashSet<>();
        for (Machine m : api().machines()) {
            ids.add(m.id());
        }
        return ids;
    }

    /** The agent under whose data directory a supervisor (an ancestor of {@code p}) runs; null if none. */
    private AgentProcess hostOf(ProcessHandle p) {
        for (Optional<ProcessHandle> h = p.parent(); h.isPresent(); h = h.get().parent()) {
            String command = h.get().info().commandLine().orElse("");
            for (AgentProcess agent : agents) {
                if (command.contains(agent.dataDir() + "/")) {
                    return agent;
                }
            }
        }
        return null;
    }

    /** The exec runtime's supervisors (perl shims) running from under {@code root}; not the agents themselves. */
    private List<ProcessHandle> supervisorsOf(Path root) {
        String prefix = root + "/";
        return ProcessHandle.allProcesses().filter(p -> {
            String command = p.info().commandLine().orElse("");
            return command.contains(prefix) && command.contains(".flotilla-shim");
        }).toList();
    }

    /** The exec runtime's fencing watchdogs running over data directories under {@code root}. */
    private List<ProcessHandle> watchdogsOf(Path root) {
        String prefix = root + "/";
        return ProcessHandle.allProcesses().filter(p -> {
            String command = p.info().commandLine().orElse("");
            return command.contains(prefix) && command.contains(".flotilla-watchdog");
        }).toList();
    }

    private static void killTrees(List<ProcessHandle> roots) {
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle root : roots) {
            root.descendants().forEach(all::add);
            all.add(root);
        }
        all.forEach(ProcessHandle::destroyForcibly);
        await("unit processes gone").atMost(Duration.ofSeconds(30)).until(() -> all.stream().noneMatch(ProcessHandle::isAlive));
    }
}
