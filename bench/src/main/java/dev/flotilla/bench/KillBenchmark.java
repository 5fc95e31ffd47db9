package dev.flotilla.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.api.UnitState;
import dev.flotilla.registry.Leadership;
import dev.flotilla.registry.Registry;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.WorkDirs;
import dev.flotilla.unit.UnitFile;

/**
 * Failover after {@code kill -9} of an agent's JVM, with every part a separate process as in
 * production: one real etcd, and {@code machines} agents each run as
 * {@code java -jar flotilla.jar agent --etcd URL --ip 127.0.0.N --api 127.0.0.N:0 --data-dir DIR}.
 * Each run starts a fresh etcd and fresh agents, launches {@code units} instances of a
 * {@code /bin/sleep} template, waits until all run, sends SIGKILL to one agent that hosts units
 * and is not the engine leader, and measures, polling a surviving agent's fleet v1 API, until its
 * machine is gone and until every unit it ran is reported active/running on another machine.
 *
 * <p>A killed agent cannot fence: its units keep running (fencing a dead agent's units is a later
 * issue). The benchmark kills them itself after each run: the processes that descended from the
 * killed JVM. Survivors destroy their units through the API and get SIGTERM.
 */
final class KillBenchmark {

    private static final String TEMPLATE = """
            [Unit]
            Description=Sleeper %i

            [Service]
            ExecStart=/bin/sleep 100000
            """;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /**
     * Figures in ms, one entry per run.
     *
     * @param leaseTtlSeconds the agents' lease TTL
     * @param movedPerRun how many units the killed agent ran, per run
     */
    record Result(int machines, int units, int leaseTtlSeconds, int[] movedPerRun, double[] killToExpiryMillis,
                  double[] expiryToPlacedMillis, double[] placedToActiveMillis, double[] killToActiveMillis) {
    }

    private KillBenchmark() {
    }

    /**
     * Runs the benchmark {@code runs} times.
     *
     * @param jar the CLI's executable jar ({@code flotilla-cli/target/flotilla.jar})
     * @param leaseTtlSeconds the agents' {@code --lease-ttl}
     */
    static Result run(Path jar, int machines, int units, int runs, int leaseTtlSeconds) throws Exception {
        return run(jar, machines, units, runs, List.of(leaseTtlSeconds)).getFirst();
    }

    /**
     * Runs the benchmark {@code runs} times at each lease TTL, the TTLs taking turns run by run (so that a change of
     * the machine's load falls on all of them alike). One result per TTL, in the order given.
     *
     * @param jar the CLI's executable jar ({@code flotilla-cli/target/flotilla.jar})
     * @param leaseTtls the agents' {@code --lease-ttl} values, in seconds; 0 = the agent's default (no flag)
     */
    static List<Result> run(Path jar, int machines, int units, int runs, List<Integer> leaseTtls) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no CLI jar at " + jar + ": build it first (./mvnw -pl flotilla-cli -am package)");
        }
        int n = leaseTtls.size();
        int[][] moved = new int[n][runs];
        double[][] toExpiry = new double[n][runs];
        double[][] expiryToPlaced = new double[n][runs];
        double[][] placedToActive = new double[n][runs];
        double[][] toActive = new double[n][runs];
        for (int run = 0; run < runs; run++) {
            for (int t = 0; t < n; t++) {
                double[] one = once(jar, machines, units, leaseTtls.get(t));
                moved[t][run] = (int) one[0];
                toExpiry[t][run] = one[1];
                expiryToPlaced[t][run] = one[2];
                placedToActive[t][run] = one[3];
                toActive[t][run] = one[4];
            }
        }
        List<Result> results = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int ttl = leaseTtls.get(t) == 0 ? (int) dev.flotilla.agent.AgentConfig.DEFAULT_LEASE_TTL.toSeconds()
                    : leaseTtls.get(t);
            results.add(new Result(machines, units, ttl, moved[t], toExpiry[t], expiryToPlaced[t], placedToActive[t],
                    toActive[t]));
        }
        return results;
    }

    /** One run: {units moved, kill→expiry, expiry→placed, placed→active, kill→active} in ms. */
    private static double[] once(Path jar, int machines, int units, int leaseTtlSeconds) throws Exception {
        try (Cluster cluster = Cluster.start(jar, machines, leaseTtlSeconds)) {
            FleetClient api = cluster.agents.getFirst().api;
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= units; i++) {
                names.add("web@" + i + ".service");
                submit(api, "web@" + i + ".service");
            }
            Waits.await(TIMEOUT, "all units active", Duration.ofMillis(20), () -> api.states(null, null).stream()
                    .filter(Waits::running).count() == units);
            Agent victim = cluster.victim();
            List<String> onVictim = api.states(victim.machineId, null).stream().filter(Waits::running)
                    .map(UnitState::name).toList();
            FleetClient survivor = cluster.agents.stream().filter(a -> a != victim).findFirst().orElseThrow().api;

            long kill = System.nanoTime();
            victim.kill9();
            Waits.await(TIMEOUT, "the killed machine's lease to expire", Duration.ofMillis(5),
                    () -> survivor.machines().stream().noneMatch(m -> m.id().equals(victim.machineId)));
            long expiry = System.nanoTime();
            long[] placed = {0};
            Waits.await(TIMEOUT, "the killed machine's units to run elsewhere", Duration.ofMillis(5), () -> {
                if (placed[0] == 0 && survivor.units().stream().filter(u -> onVictim.contains(u.name()))
                        .filter(u -> u.machineID() != null && !u.machineID().equals(victim.machineId))
                        .count() == onVictim.size()) {
                    placed[0] = System.nanoTime(); // the engine has moved them (the schedule says so)
                }
                Set<String> elsewhere = new HashSet<>();
                for (UnitState s : survivor.states(null, null)) {
                    if (Waits.running(s) && !s.machineID().equals(victim.machineId)) {
                        elsewhere.add(s.name());
                    }
                }
                return elsewhere.containsAll(onVictim);
            });
            long active = System.nanoTime();
            long placedAt = placed[0] == 0 ? active : placed[0];
            cluster.destroy(survivor, names);
            return new double[] {onVictim.size(), (expiry - kill) / 1e6, (placedAt - expiry) / 1e6,
                (active - placedAt) / 1e6, (active - kill) / 1e6};
        }
    }

    // ---------------------------------------------------------------- the processes

    /** One agent process: its JVM, its machine, its API. */
    private static final class Agent {
        final Process process;
        final String ip;
        final String machineId;
        final FleetClient api;
        /** Where the unit processes of a killed agent go, to be killed after the run. */
        final Collection<ProcessHandle> orphans;

        Agent(Process process, String ip, String machineId, URI apiUrl, Collection<ProcessHandle> orphans) {
            this.process = process;
            this.ip = ip;
            this.machineId = machineId;
            this.api = new FleetClient(apiUrl, Duration.ofSeconds(30));
            this.orphans = orphans;
        }

        /** SIGKILL, as {@code kill -9}: the JVM gets no chance to do anything. Its units keep running. */
        void kill9() throws InterruptedException {
            process.descendants().forEach(orphans::add); // once it is dead they are no longer its descendants
            process.destroyForcibly(); // SIGKILL on Linux
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("agent " + ip + " survived SIGKILL");
            }
        }
    }

    /** etcd and the agents of one run; closing stops every process of the run, orphans included. */
    private record Cluster(EtcdServer etcd, KvStore store, List<Agent> agents, Collection<ProcessHandle> orphans,
                           Thread onExit) implements AutoCloseable {

        static Cluster start(Path jar, int machines, int leaseTtlSeconds) throws Exception {
            EtcdServer etcd = EtcdServer.startNew();
            List<Process> started = new CopyOnWriteArrayList<>();
            Collection<ProcessHandle> orphans = new ConcurrentLinkedQueue<>();
            List<Agent> agents = new ArrayList<>();
            KvStore store = null;
            // Interrupting bench/run still stops every process of the run.
            Thread onExit = new Thread(() -> {
                started.forEach(KillBenchmark::killTree);
                orphans.forEach(KillBenchmark::killTree);
                etcd.close();
            }, "kill-benchmark-exit");
            Runtime.getRuntime().addShutdownHook(onExit);
            try {
                Path work = WorkDirs.create("kill9");
                List<Path> logs = new ArrayList<>();
                for (int i = 0; i < machines; i++) {
                    String ip = "127.0.0." + (2 + i);
                    Path dir = work.resolve("agent-" + ip);
                    Files.createDirectories(dir);
                    Path log = work.resolve("agent-" + ip + ".out");
                    ProcessBuilder pb = new ProcessBuilder(java(), "--enable-native-access=ALL-UNNAMED",
                            "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC", "-jar", jar.toString(), "agent",
                            "--etcd", etcd.endpoint(), "--ip", ip, "--api", ip + ":0", "--data-dir", dir.toString());
                    if (leaseTtlSeconds > 0) {
                        pb.command().addAll(List.of("--lease-ttl", Integer.toString(leaseTtlSeconds)));
                    }
                    pb.redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                            new java.io.File("/dev/null")));
                    started.add(pb.start());
                    logs.add(log);
                }
                for (int i = 0; i < machines; i++) {
                    Path log = logs.get(i);
                    Process process = started.get(i);
                    Waits.AgentLines lines = Waits.awaitAgentLines(TIMEOUT, "agent " + (2 + i) + " to serve its API",
                            process, log);
                    agents.add(new Agent(process, "127.0.0." + (2 + i), lines.machineId(), lines.api(), orphans));
                }
                FleetClient api = agents.getFirst().api;
                Waits.await(TIMEOUT, "all machines to join", Duration.ofMillis(20), () -> api.machines().size() == machines);
                store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()));
                return new Cluster(etcd, store, agents, orphans, onExit);
            } catch (Exception | Error e) {
                if (store != null) {
                    store.close();
                }
                onExit.run();
                Runtime.getRuntime().removeShutdownHook(onExit);
                throw e;
            }
        }

        /** An agent that runs units and does not lead the engine (losing the leader adds an election). */
        Agent victim() throws Exception {
            Optional<String> leader = Registry.create(store).election().leader()
                    .map(Leadership::machineId).map(id -> id.value());
            for (Agent agent : agents.reversed()) {
                if (leader.isPresent() && leader.get().equals(agent.machineId)) {
                    continue;
                }
                if (agent.api.states(agent.machineId, null).stream().anyMatch(Waits::running)) {
                    return agent;
                }
            }
            throw new IllegalStateException("no agent but the leader runs units");
        }

        /** Destroys the units through {@code api} and waits until the surviving agents have stopped them. */
        void destroy(FleetClient api, List<String> names) throws Exception {
            for (String name : names) {
                api.destroyUnit(name);
            }
            Waits.await(TIMEOUT, "destroyed units to stop", Duration.ofMillis(20), () -> api.states(null, null).isEmpty());
        }

        @Override
        public void close() {
            try {
                for (Agent agent : agents) {
                    agent.api.close();
                    // A survivor's units were destroyed, but if the run failed half-way they still run, and
                    // a closing agent leaves its units running: take them now, kill them once it is gone.
                    agent.process.descendants().forEach(orphans::add);
                    agent.process.destroy(); // SIGTERM
                }
                for (Agent agent : agents) {
                    try {
                        if (!agent.process.waitFor(15, TimeUnit.SECONDS)) {
                            killTree(agent.process);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                // The killed agent's units (nothing stopped them: a dead agent cannot fence), and any left over.
                orphans.forEach(KillBenchmark::killTree);
                store.close();
                etcd.close();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(onExit);
                } catch (IllegalStateException e) {
                    // the JVM is exiting and the hook runs
                }
            }
        }
    }

    private static void killTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void killTree(Process process) {
        killTree(process.toHandle());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // ---------------------------------------------------------------- helpers

    private static void submit(FleetClient api, String name) throws ApiException {
        List<UnitOption> options = UnitFile.parse(name, TEMPLATE).options().stream()
                .map(o -> new UnitOption(o.section(), o.name(), o.value())).toList();
        api.putUnit(Unit.submission(name, options, TEMPLATE, DesiredState.LAUNCHED));
    }


    // ---------------------------------------------------------------- reporting

    static String markdown(Result r) {
        StringBuilder md = new StringBuilder();
        int movedMin = java.util.Arrays.stream(r.movedPerRun()).min().orElse(0);
        int movedMax = java.util.Arrays.stream(r.movedPerRun()).max().orElse(0);
        md.append(String.format(Locale.ROOT, "%d agent processes (`flotilla agent`) on one etcd, %d units, lease TTL %d s; "
                + "`kill -9` of an agent that is not the engine leader, %d–%d units on it per run; %d runs.%n%n",
                r.machines(), r.units(), r.leaseTtlSeconds(), movedMin, movedMax, r.movedPerRun().length));
        md.append("| interval | p50 | p99 | min | max |\n|---|---|---|---|---|\n");
        Map<String, double[]> rows = new LinkedHashMap<>();
        rows.put("kill -9 → lease expired (machine gone from `GET /fleet/v1/machines`)", r.killToExpiryMillis());
        rows.put("lease expired → all its units placed elsewhere (`GET /fleet/v1/units`)", r.expiryToPlacedMillis());
        rows.put("placed → all reported active/running (`GET /fleet/v1/state`)", r.placedToActiveMillis());
        rows.put("**kill -9 → all its units active elsewhere**", r.killToActiveMillis());
        rows.forEach((label, samples) -> {
            Stats s = Stats.of(samples);
            md.append(String.format(Locale.ROOT, "| %s | %,.0f ms | %,.0f ms | %,.0f ms | %,.0f ms |%n",
                    label, s.median(), Stats.quantile(samples, 0.99), s.min(), s.max()));
        });
        return md.toString();
    }

    /**
     * The page's section: the first result is the default settings' (the figure of the goal), any others are peers
     * measured in the same run (another lease TTL), in the table and the chart beside it.
     */
    static Section section(List<Result> results) {
        StringBuilder md = new StringBuilder();
        Result main = results.getFirst();
        double p99 = Stats.quantile(main.killToActiveMillis(), 0.99);
        md.append(String.format(Locale.ROOT, "Result: kill -9 → all its units active elsewhere p99 %,.0f ms (p50 %,.0f ms, "
                + "%d runs, lease TTL %d s), goal %s.%n%n", p99, Stats.of(main.killToActiveMillis()).median(),
                main.killToActiveMillis().length, main.leaseTtlSeconds(), p99 < 5000 ? "met" : "missed"));
        for (Result r : results) {
            if (results.size() > 1) {
                md.append(String.format(Locale.ROOT, "#### Lease TTL %d s%s%n%n", r.leaseTtlSeconds(),
                        r == main ? " (default)" : " (peer, same run, runs taking turns)"));
            }
            md.append(markdown(r)).append('\n');
        }
        List<Chart.Bar> bars = new ArrayList<>();
        for (Result r : results) {
            String group = "TTL " + r.leaseTtlSeconds() + " s" + (r == main ? " (default)" : "");
            double[] total = r.killToActiveMillis();
            Stats s = Stats.of(total);
            bars.add(new Chart.Bar(group, "p50", s.median(), s.min(), s.max()));
            bars.add(new Chart.Bar(group, "p99", Stats.quantile(total, 0.99), s.min(), s.max()));
            double[] expiry = r.killToExpiryMillis();
            Stats e = Stats.of(expiry);
            bars.add(new Chart.Bar(group, "p50 of which lease expiry", e.median(), e.min(), e.max()));
        }
        return new Section("failover-kill9", "Failover: kill -9 of an agent process to its units active elsewhere",
                md.toString(), List.of(Chart.bars("kill-to-active", "kill -9 → units active elsewhere "
                        + "(error bars: min..max of the runs)", "agents' lease TTL", "ms", bars)));
    }

    /** The CLI jar: {@code -Dflotilla.jar}, else {@code flotilla-cli/target/flotilla.jar} above the working directory. */
    static Path defaultJar() throws IOException {
        String configured = System.getProperty("flotilla.jar");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path jar = dir.resolve("flotilla-cli/target/flotilla.jar");
            if (Files.isRegularFile(jar)) {
                return jar;
            }
        }
        throw new IOException("cannot find flotilla-cli/target/flotilla.jar; set -Dflotilla.jar");
    }
}
