package dev.flotilla.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flotilla.agent.AgentEvent;
import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.api.UnitState;
import dev.flotilla.daemon.DevCluster;
import dev.flotilla.daemon.MachineDaemon;
import dev.flotilla.registry.Registry;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.unit.UnitFile;

/**
 * Launch latency and failover time of real exec units ({@code /bin/sleep} processes) on an
 * in-process dev cluster ({@link DevCluster}: agents, engines and API servers on one embedded
 * store), driven through the fleet v1 API the way the CLI drives it. A unit counts as started when
 * its agent reports it {@code active}/{@code running} in {@code GET /fleet/v1/state}.
 */
final class ClusterBenchmark {

    private static final String SINGLE = """
            [Service]
            ExecStart=/bin/sleep 100000
            """;

    private static final String TEMPLATE = """
            [Unit]
            Description=Sleeper %i

            [Service]
            ExecStart=/bin/sleep 100000
            """;

    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    /**
     * Launch figures: single-unit latencies in ms; per bulk run its launch time and submission time
     * in ms and the CPU time the cluster's JVM used meanwhile (all machines, and this harness) in ms;
     * and how many times an agent fenced during the whole benchmark.
     */
    record LaunchResult(int machines, double[] singleMillis, double[] singlePlacedMillis, int instances,
                        double[] bulkMillis, double[] bulkSubmitMillis, double[] bulkCpuMillis, int fences) {
    }

    /** Failover figures in ms, one entry per run. */
    record FailoverResult(int machines, int units, int[] movedPerRun, double[] lossToExpiryMillis,
                          double[] expiryToActiveMillis, double[] lossToActiveMillis) {
    }

    private ClusterBenchmark() {
    }

    // ---------------------------------------------------------------- launch

    static LaunchResult launch(int machines, int singles, int instances, int bulkRuns) throws Exception {
        try (Env env = Env.start(machines)) {
            FleetClient api = env.api;
            // One unmeasured start warms up the JIT, the API server and the agents.
            startOne(env.cluster.store(), api, "warmup.service");
            destroyAndAwaitGone(api, List.of("warmup.service"));
            double[] single = new double[singles];
            double[] placed = new double[singles];
            for (int i = 0; i < singles; i++) {
                String name = "single-" + i + ".service";
                double[] one = startOne(env.cluster.store(), api, name);
                single[i] = one[0];
                placed[i] = one[1];
                destroyAndAwaitGone(api, List.of(name));
            }
            double[] bulk = new double[bulkRuns];
            double[] submit = new double[bulkRuns];
            double[] cpu = new double[bulkRuns];
            for (int run = 0; run < bulkRuns; run++) {
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= instances; i++) {
                    names.add("sleep-r" + run + "@" + i + ".service");
                }
                long cpuStart = processCpuNanos();
                long start = System.nanoTime();
                for (String name : names) {
                    submit(api, name, TEMPLATE);
                }
                submit[run] = millisSince(start);
                Set<String> wanted = new HashSet<>(names);
                Waits.await(TIMEOUT, "all " + instances + " instances active", Duration.ofMillis(100), () -> {
                    long active = api.states(null, null).stream()
                            .filter(s -> wanted.contains(s.name()) && Waits.running(s)).count();
                    return active == instances;
                });
                bulk[run] = millisSince(start);
                cpu[run] = (processCpuNanos() - cpuStart) / 1e6;
                destroyAndAwaitGone(api, names);
            }
            return new LaunchResult(machines, single, placed, instances, bulk, submit, cpu, env.fences.get());
        }
    }

    /**
     * Submits one unit and returns {milliseconds until its agent has published it active/running, milliseconds until
     * the engine had placed it}. Both moments are seen through a watch of the cluster's store (in process, the way
     * the agents see their placements), not by polling the API: polling every few ms would put hundreds of requests a
     * second on the same two cores as the start it measures.
     */
    private static double[] startOne(KvStore store, FleetClient api, String name) throws Exception {
        String placedKey = Registry.DEFAULT_ROOT + "schedule/units/" + name;
        String statePrefix = Registry.DEFAULT_ROOT + "states/" + name + "/";
        long[] placedAt = {0};
        CountDownLatch active = new CountDownLatch(1);
        long[] activeAt = {0};
        try (Watch watch = store.watch(Registry.DEFAULT_ROOT, true, 0, events -> {
            long now = System.nanoTime();
            for (WatchEvent e : events) {
                String key = e.kv().key();
                if (e.type() == WatchEvent.Type.PUT && key.equals(placedKey) && placedAt[0] == 0) {
                    placedAt[0] = now;
                } else if (e.type() == WatchEvent.Type.PUT && key.startsWith(statePrefix) && activeAt[0] == 0) {
                    String value = new String(e.kv().value(), StandardCharsets.UTF_8);
                    if (value.contains("\"activeState\":\"active\"") && value.contains("\"subState\":\"running\"")) {
                        activeAt[0] = now;
                        active.countDown();
                    }
                }
            }
        })) {
            long start = System.nanoTime();
            submit(api, name, SINGLE);
            if (!active.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " was not reported active within " + TIMEOUT);
            }
            return new double[] {(activeAt[0] - start) / 1e6, ((placedAt[0] == 0 ? activeAt[0] : placedAt[0]) - start) / 1e6};
        }
    }

    // ---------------------------------------------------------------- failover

    /**
     * Each run starts a fresh cluster, launches {@code units} instances, then closes one machine
     * without draining it (its agent stops renewing; its processes keep running) and measures until
     * every unit it ran is reported running on another machine.
     */
    static FailoverResult failover(int machines, int units, int runs) throws Exception {
        int[] moved = new int[runs];
        double[] toExpiry = new double[runs];
        double[] expiryToActive = new double[runs];
        double[] toActive = new double[runs];
        for (int run = 0; run < runs; run++) {
            List<Long> orphans = new ArrayList<>();
            try (Env env = Env.start(machines)) {
                FleetClient api = env.api;
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= units; i++) {
                    names.add("web@" + i + ".service");
                    submit(api, "web@" + i + ".service", TEMPLATE);
                }
                Waits.await(TIMEOUT, "all units active", Duration.ofMillis(20), () -> api.states(null, null).stream()
                        .filter(Waits::running).count() == units);
                // The last machine is lost: the API client talks to the first, which survives.
                MachineDaemon lost = env.cluster.machines().getLast();
                String lostId = lost.machineId().value();
                List<String> onLost = api.states(lostId, null).stream().filter(Waits::running)
                        .map(UnitState::name).toList();
                if (onLost.isEmpty()) {
                    throw new IllegalStateException("no unit was placed on the lost machine");
                }
                Set<Long> before = descendants();

                long loss = System.nanoTime();
                lost.close();
                Waits.await(TIMEOUT, "the lost machine's lease to expire", Duration.ofMillis(5),
                        () -> api.machines().stream().noneMatch(m -> m.id().equals(lostId)));
                long expiry = System.nanoTime();
                Waits.await(TIMEOUT, "the lost machine's units to run elsewhere", Duration.ofMillis(5), () -> {
                    Map<String, String> where = new HashMap<>();
                    for (UnitState s : api.states(null, null)) {
                        if (Waits.running(s) && !s.machineID().equals(lostId)) {
                            where.put(s.name(), s.machineID());
                        }
                    }
                    return where.keySet().containsAll(onLost);
                });
                long active = System.nanoTime();
                moved[run] = onLost.size();
                toExpiry[run] = (expiry - loss) / 1e6;
                expiryToActive[run] = (active - expiry) / 1e6;
                toActive[run] = (active - loss) / 1e6;
                // The closed agent left its processes running (nothing fences a dead agent in
                // process): they are the descendants that existed before the loss and are not
                // the surviving machines' units. Closing the cluster stops the survivors' units.
                orphans.addAll(before);
            } finally {
                // Whatever is still alive of the pre-loss processes after the cluster closed is orphaned.
                for (long pid : orphans) {
                    ProcessHandle.of(pid).ifPresent(ClusterBenchmark::kill);
                }
            }
        }
        return new FailoverResult(machines, units, moved, toExpiry, expiryToActive, toActive);
    }

    private static Set<Long> descendants() {
        Set<Long> pids = new HashSet<>();
        ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    private static void kill(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    // ---------------------------------------------------------------- helpers

    /** A dev cluster under the work directory and an API client on its first machine. */
    private record Env(DevCluster cluster, FleetClient api, Thread onExit, AtomicInteger fences)
            implements AutoCloseable {

        static Env start(int machines) throws Exception {
            Path work = Path.of(System.getProperty("flotilla.test.workdir", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(work);
            DevCluster cluster = DevCluster.start(machines, Files.createTempDirectory(work, "bench-cluster"), 0);
            try {
                if (!cluster.awaitJoined(Duration.ofSeconds(30))) {
                    throw new IllegalStateException("the dev cluster's machines did not join within 30 s");
                }
                // Interrupting bench/run (Ctrl-C, SIGTERM) still stops the units' processes.
                Thread onExit = new Thread(cluster::close, "bench-cluster-close");
                Runtime.getRuntime().addShutdownHook(onExit);
                // A fence means a lease was (or may have been) lost: the figures are then not of a healthy cluster.
                AtomicInteger fences = new AtomicInteger();
                for (MachineDaemon machine : cluster.machines()) {
                    machine.agent().subscribe(event -> {
                        if (event instanceof AgentEvent.Fenced) {
                            fences.incrementAndGet();
                        }
                    });
                }
                return new Env(cluster, new FleetClient(cluster.machines().getFirst().apiUrl(), Duration.ofSeconds(30)),
                        onExit, fences);
            } catch (Exception | Error e) {
                cluster.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException e) {
                // The JVM is already exiting and the hook is closing too; closing twice is harmless.
            }
            try {
                api.close();
            } finally {
                // Stops every unit of every machine still open, then the machines and the store.
                cluster.close();
            }
        }
    }

    private static void submit(FleetClient api, String name, String contents) throws ApiException {
        List<UnitOption> options = UnitFile.parse(name, contents).options().stream()
                .map(o -> new UnitOption(o.section(), o.name(), o.value())).toList();
        api.putUnit(Unit.submission(name, options, contents, DesiredState.LAUNCHED));
    }

    private static void destroyAndAwaitGone(FleetClient api, List<String> names) throws Exception {
        for (String name : names) {
            api.destroyUnit(name);
        }
        Set<String> gone = new HashSet<>(names);
        Waits.await(TIMEOUT, "destroyed units to stop", Duration.ofMillis(20),
                () -> api.states(null, null).stream().noneMatch(s -> gone.contains(s.name())));
    }


    /** CPU time this JVM has used (user and system, every thread), in ns. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    // ---------------------------------------------------------------- reporting

    /** The page's section for launch: the figures, whether p99 meets the goal (250 ms), and a chart. */
    static Section section(LaunchResult r) {
        double[] s = r.singleMillis();
        Stats single = Stats.of(s);
        double p99 = Stats.quantile(s, 0.99);
        String goal = String.format(Locale.ROOT, "Result: 1 unit start → active p99 %,.1f ms (p50 %,.1f ms, %d starts), "
                + "goal %s.%n%n", p99, single.median(), s.length, p99 < 250 ? "met" : "missed");
        List<Chart.Bar> bars = List.of(new Chart.Bar("1 unit: start → active", "p50", single.median(), single.min(),
                single.max()), new Chart.Bar("1 unit: start → active", "p99", p99, single.min(), single.max()));
        return new Section("launch", "Launch: start to active", goal + markdown(r), List.of(Chart.bars("single",
                "start → active of one exec unit (error bars: min..max of the starts)", "", "ms", bars)));
    }

    /** The page's section for failover (a machine lost in process): the figures and a chart. */
    static Section section(FailoverResult r) {
        List<Chart.Bar> bars = new ArrayList<>();
        Map<String, double[]> rows = new java.util.LinkedHashMap<>();
        rows.put("loss → expired", r.lossToExpiryMillis());
        rows.put("expired → active", r.expiryToActiveMillis());
        rows.put("loss → active", r.lossToActiveMillis());
        rows.forEach((group, samples) -> {
            Stats st = Stats.of(samples);
            bars.add(new Chart.Bar(group, "p50", st.median(), st.min(), st.max()));
            bars.add(new Chart.Bar(group, "p99", Stats.quantile(samples, 0.99), st.min(), st.max()));
        });
        double[] total = r.lossToActiveMillis();
        double p99 = Stats.quantile(total, 0.99);
        String result = String.format(Locale.ROOT, "Result: machine lost → its units active elsewhere p99 %,.0f ms "
                + "(p50 %,.0f ms, %d runs), goal %s.%n%n", p99, Stats.of(total).median(), total.length,
                p99 < 5000 ? "met" : "missed");
        return new Section("failover", "Failover: machine lost to its units active elsewhere", result + markdown(r),
                List.of(Chart.bars("loss-to-active", "machine lost → its units active elsewhere (error bars: min..max "
                        + "of the runs)", "interval", "ms", bars)));
    }

    static String markdown(LaunchResult r) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d machines (in-process dev cluster), real `/bin/sleep` processes; "
                + "`start` = `PUT /fleet/v1/units/NAME` with desiredState launched, until its agent has published it "
                + "active/running (seen through a watch of the store, in process; before issue 8: polling "
                + "`GET /fleet/v1/state` every 2 ms). Bulk: polling `GET /fleet/v1/state` every 100 ms.%n%n", r.machines()));
        md.append("| measurement | p50 | p99 | min | max | samples |\n|---|---|---|---|---|---|\n");
        double[] s = r.singleMillis();
        Stats single = Stats.of(s);
        md.append(String.format(Locale.ROOT, "| 1 unit: start → active | %,.1f ms | %,.1f ms | %,.1f ms | %,.1f ms | %d |%n",
                single.median(), Stats.quantile(s, 0.99), single.min(), single.max(), s.length));
        double[] p = r.singlePlacedMillis();
        Stats placed = Stats.of(p);
        md.append(String.format(Locale.ROOT, "| of which start → placed (API, engine) | %,.1f ms | %,.1f ms | %,.1f ms | %,.1f ms | %d |%n",
                placed.median(), Stats.quantile(p, 0.99), placed.min(), placed.max(), p.length));
        md.append("\n| measurement | median | min | max | runs |\n|---|---|---|---|---|\n");
        Stats bulk = Stats.of(r.bulkMillis());
        Stats submit = Stats.of(r.bulkSubmitMillis());
        md.append(String.format(Locale.ROOT, "| %,d template instances: first start → all active | %,.0f ms | %,.0f ms | %,.0f ms | %d |%n",
                r.instances(), bulk.median(), bulk.min(), bulk.max(), bulk.runs()));
        md.append(String.format(Locale.ROOT, "| of which submitting the %,d units (sequential PUTs) | %,.0f ms | %,.0f ms | %,.0f ms | %d |%n",
                r.instances(), submit.median(), submit.min(), submit.max(), submit.runs()));
        Stats cpu = Stats.of(r.bulkCpuMillis());
        md.append(String.format(Locale.ROOT, "| CPU time of the cluster's JVM meanwhile (all machines) | %,.0f ms | %,.0f ms | %,.0f ms | %d |%n",
                cpu.median(), cpu.min(), cpu.max(), cpu.runs()));
        md.append(String.format(Locale.ROOT, "%nAgents fenced %d time(s) during the benchmark (0 = no lease was lost).%n",
                r.fences()));
        return md.toString();
    }

    static String markdown(FailoverResult r) {
        StringBuilder md = new StringBuilder();
        int movedMin = java.util.Arrays.stream(r.movedPerRun()).min().orElse(0);
        int movedMax = java.util.Arrays.stream(r.movedPerRun()).max().orElse(0);
        md.append(String.format(Locale.ROOT, "%d machines (in-process dev cluster), %d units, default lease TTL; "
                + "%d–%d units on the lost machine per run; %d runs.%n%n",
                r.machines(), r.units(), movedMin, movedMax, r.movedPerRun().length));
        md.append("| interval | p50 | p99 | min | max |\n|---|---|---|---|---|\n");
        row(md, "loss → lease expired (machine gone from `GET /fleet/v1/machines`)", r.lossToExpiryMillis());
        row(md, "lease expired → all its units active elsewhere", r.expiryToActiveMillis());
        row(md, "**loss → all its units active elsewhere**", r.lossToActiveMillis());
        return md.toString();
    }

    private static void row(StringBuilder md, String label, double[] samples) {
        Stats s = Stats.of(samples);
        md.append(String.format(Locale.ROOT, "| %s | %,.0f ms | %,.0f ms | %,.0f ms | %,.0f ms |%n",
                label, s.median(), Stats.quantile(samples, 0.99), s.min(), s.max()));
    }
}
