package dev.flotilla.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.AgentEvent;
import dev.flotilla.engine.Engine;
import dev.flotilla.engine.EngineListener;
import dev.flotilla.engine.EngineSettings;
import dev.flotilla.engine.PassReport;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryEvent;
import dev.flotilla.registry.RegistryListener;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.Lease;
import dev.flotilla.store.Watch;
import dev.flotilla.store.embedded.EmbeddedKvStore;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.WorkDirs;
import dev.flotilla.unit.UnitName;

/**
 * The scale benchmark ({@code bench/run scale}): a thousand hollow machines and a hundred thousand
 * units in one JVM, on the embedded store and on a real etcd. Each machine is a real {@link Agent}
 * (lease, registration, watch, reconciler, state publishing) over a {@link HollowRuntime}, which
 * records starts instead of forking, the way Kubernetes' kubemark measures scale; the engine is the
 * real leader-elected {@link Engine}.
 *
 * <p>What one run does: the hollow agents join; every unit is submitted with desired state
 * {@code launched} while no engine runs (untimed: that is the store's write rate, which the
 * {@code store} benchmark measures); then two engines start and campaign, and the clock runs from
 * there. The leader reads the registry, places every unit, the agents start them and publish their
 * states. Measured: the engine's placements per second (decisions written over the time from its
 * first pass's start to the end of its last placing pass, from its own {@link PassReport}s), the time
 * until every unit is placed, and until every unit's state in the registry is {@code active} (a
 * watch on the registry counts them). This is the "cold start" of a cluster, or a new leader over
 * launched units nobody placed yet.
 */
public final class ScaleBenchmark {

    /** Units per template: a thousand instances each (fewer when there are fewer machines, see {@link #units}). */
    private static final int MAX_INSTANCES = 1000;
    /** Hollow agents per store client on etcd: agents share clients as dev mode's machines share one store. */
    static final int AGENTS_PER_ETCD_CLIENT = 50;
    private static final Duration JOIN_TIMEOUT = Duration.ofMinutes(3);
    /**
     * The hollow agents' lease TTL: fleet's 30 s, not the agent's default 5 s. A thousand agents'
     * keep-alives, heartbeats and fencing checks share this JVM's cores with the engine and the store,
     * where real machines each have their own; with 5 s on 2 loaded cores every agent fenced within
     * 20 s of the engines' start (docs/benchmarks/notes/scale.md).
     */
    static final Duration HOLLOW_LEASE_TTL = Duration.ofSeconds(30);

    private ScaleBenchmark() {
    }

    /** What to run: machines, units, runs per store, and how long one run may take to converge. */
    record Settings(int machines, int units, int runs, Duration convergeTimeout) {

        Settings {
            if (machines < 2 || units < 1 || runs < 1) {
                throw new IllegalArgumentException("scale needs --machines >= 2, --units >= 1 and --runs >= 1, not "
                        + machines + ", " + units + ", " + runs);
            }
        }

        /** The full benchmark: 1,000 machines, 100,000 units. */
        static Settings full(Integer machines, Integer units, Integer runs) {
            return new Settings(machines == null ? 1000 : machines, units == null ? 100_000 : units,
                    runs == null ? 3 : runs, Duration.ofMinutes(5));
        }

        /** The seconds-long smoke run: 20 machines, 500 units, once per store. */
        static Settings smoke() {
            return new Settings(20, 500, 1, Duration.ofMinutes(2));
        }
    }

    /** One point of a run's timeline: seconds since the engines started, units placed, units active. */
    record Sample(double seconds, int placed, int active) {
    }

    /**
     * One run's figures.
     *
     * @param placementsPerSecond decisions written by the leader over its placing passes' span
     * @param placedSeconds from the engines' start to every unit placed (seen through the watch)
     * @param activeSeconds from the engines' start to every unit's state {@code active} in the registry
     * @param passes the leader's passes until convergence
     * @param hollowStarts starts the hollow runtimes recorded
     * @param fences agents that fenced during the run (a lost lease spoils the figures)
     * @param converged whether every unit was active before the timeout; when not, the times are the
     *     timeout and the timeline says how far it got
     * @param timeline placed and active over time
     */
    record Run(double placementsPerSecond, double placedSeconds, double activeSeconds, long passes, long hollowStarts,
            int fences, boolean converged, List<Sample> timeline) {
    }

    /** Every run on one store. */
    record StoreResult(String store, String clients, List<Run> runs) {

        Stats stat(java.util.function.ToDoubleFunction<Run> figure) {
            return Stats.of(runs.stream().mapToDouble(figure).toArray());
        }

        /** The run whose convergence time is the median: its timeline is the one charted. */
        Run medianRun() {
            List<Run> sorted = runs.stream().sorted(Comparator.comparingDouble(Run::activeSeconds)).toList();
            return sorted.get((sorted.size() - 1) / 2);
        }
    }

    /** Runs the benchmark on the embedded store, then on etcd, and returns its page section. */
    public static Section section(Settings settings) throws Exception {
        List<StoreResult> results = new ArrayList<>();
        results.add(onEmbedded(settings));
        results.add(onEtcd(settings));
        return section(settings, results);
    }

    static StoreResult onEmbedded(Settings settings) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
            try (EmbeddedKvStore store = EmbeddedKvStore.inMemory()) {
                runs.add(progress("embedded", run(settings, n -> store, store, store, 8)));
            }
        }
        return new StoreResult("embedded, in memory", "1 store shared by every agent, the engines and the client", runs);
    }

    static StoreResult onEtcd(Settings settings) throws Exception {
        List<Run> runs = new ArrayList<>();
        int clients = (settings.machines() + AGENTS_PER_ETCD_CLIENT - 1) / AGENTS_PER_ETCD_CLIENT;
        for (int i = 0; i < settings.runs(); i++) {
            try (EtcdServer etcd = etcdOnTmpfs()) {
                List<KvStore> agentClients = new ArrayList<>();
                try (KvStore engineClient = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()));
                        KvStore benchClient = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()))) {
                    for (int c = 0; c < clients; c++) {
                        agentClients.add(EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint())));
                    }
                    runs.add(progress("etcd", run(settings, n -> agentClients.get(n / AGENTS_PER_ETCD_CLIENT),
                            engineClient, benchClient, 64)));
                } finally {
                    for (KvStore client : agentClients) {
                        client.close();
                    }
                }
            }
        }
        return new StoreResult("etcd, 1 member on loopback", "data on tmpfs; " + clients + " clients for the agents ("
                + "up to " + AGENTS_PER_ETCD_CLIENT + " agents each), 1 for the engines, 1 for the benchmark's writes and watch",
                runs);
    }

    /**
     * A fresh etcd whose data directory is on tmpfs ({@code /dev/shm}) when the host has one: what is
     * measured is the scheduler, not the disk (the {@code store} benchmark measures etcd's commits). On
     * a disk shared with builds, submitting the 100,000 units alone ran at 290 commits/s.
     */
    private static EtcdServer etcdOnTmpfs() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm)) {
            return EtcdServer.startNew();
        }
        String previous = System.getProperty(WorkDirs.PROPERTY);
        System.setProperty(WorkDirs.PROPERTY, Files.createDirectories(shm.resolve("flotilla-bench-scale")).toString());
        try {
            return EtcdServer.startNew();
        } finally {
            if (previous == null) {
                System.clearProperty(WorkDirs.PROPERTY);
            } else {
                System.setProperty(WorkDirs.PROPERTY, previous);
            }
        }
    }

    /** Prints one run's figures to stderr as it ends (a full run takes minutes). */
    private static Run progress(String store, Run run) {
        System.err.printf(Locale.ROOT, "scale on %s: %,.0f placements/s, all placed %.1f s, all active %.1f s, "
                + "%d passes, %d hollow starts, %d fences%s%n", store, run.placementsPerSecond(), run.placedSeconds(),
                run.activeSeconds(), run.passes(), run.hollowStarts(), run.fences(),
                run.converged() ? "" : " (did not converge)");
        return run;
    }

    /** The units: templates of {@code min(1000, machines)} instances; every tenth has Conflicts=, every tenth+5 MachineMetadata=. */
    static Map<UnitName, String> units(int machines, int count) {
        int perTemplate = Math.min(MAX_INSTANCES, machines);
        Map<UnitName, String> out = new java.util.LinkedHashMap<>();
        for (int t = 0; out.size() < count; t++) {
            String template = String.format(Locale.ROOT, "hollow-%03d", t);
            StringBuilder contents = new StringBuilder("[Unit]\nDescription=hollow unit %i of ").append(template)
                    .append("\n\n[Service]\nExecStart=/bin/sleep infinity\n");
            if (t % 10 == 0) {
                contents.append("\n[X-Fleet]\nConflicts=").append(template).append("@*.service\n");
            } else if (t % 10 == 5) {
                contents.append("\n[X-Fleet]\nMachineMetadata=region=").append(region(t)).append('\n');
            }
            for (int i = 0; i < perTemplate && out.size() < count; i++) {
                out.put(UnitName.parse(template + "@" + i + ".service"), contents.toString());
            }
        }
        return out;
    }

    private static String region(int n) {
        return "r" + (n % 4);
    }

    /**
     * One run: agents join on their clients, units are submitted, engines start, and the clock runs
     * until every unit is active.
     */
    static Run run(Settings settings, Function<Integer, KvStore> agentStore, KvStore engineStore, KvStore benchStore,
            int writers) throws Exception {
        Path dirs = Files.createTempDirectory(Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm")
                : Path.of(System.getProperty("java.io.tmpdir")), "flotilla-scale-");
        HollowRuntime.Ledger ledger = new HollowRuntime.Ledger();
        HollowRuntime.Provider provider = new HollowRuntime.Provider(ledger);
        List<Agent> agents = new ArrayList<>();
        List<Engine> engines = new ArrayList<>();
        AtomicInteger fences = new AtomicInteger();
        Watch watch = null;
        try {
            for (int i = 0; i < settings.machines(); i++) {
                AgentConfig config = AgentConfig.of(agentStore.apply(i), dirs.resolve("m" + i),
                                "10.1." + (i / 250) + "." + (i % 250 + 1))
                        .withHostname(String.format(Locale.ROOT, "hollow-%04d", i))
                        .withMetadata(Map.of("region", region(i)))
                        .withLeaseTtl(HOLLOW_LEASE_TTL)
                        .withRuntimes(List.of(provider));
                Agent agent = new Agent(config);
                agent.start();
                agent.subscribe(event -> {
                    if (event instanceof AgentEvent.Fenced) {
                        fences.incrementAndGet();
                    }
                });
                agents.add(agent);
            }
            for (Agent agent : agents) {
                if (!agent.awaitJoined(JOIN_TIMEOUT)) {
                    throw new IllegalStateException("hollow agent " + agent.machineId() + " did not join within "
                            + JOIN_TIMEOUT.toSeconds() + " s: " + agent.status());
                }
            }
            System.err.printf(Locale.ROOT, "scale: %,d hollow agents joined%n", agents.size());
            Registry registry = Registry.create(benchStore);
            Map<UnitName, String> units = units(settings.machines(), settings.units());
            submit(registry, units, writers);
            System.err.printf(Locale.ROOT, "scale: %,d units submitted; the engines start%n", units.size());

            Set<UnitName> placed = ConcurrentHashMap.newKeySet();
            Set<UnitName> active = ConcurrentHashMap.newKeySet();
            watch = registry.watch(benchStore.range(registry.root() + "engine/").revision() + 1, new RegistryListener() {
                @Override
                public void onEvents(List<RegistryEvent> events) {
                    for (RegistryEvent event : events) {
                        switch (event) {
                            case RegistryEvent.ScheduleChanged s -> placed.add(s.entry().unit());
                            case RegistryEvent.StateChanged s when "active".equals(s.state().activeState()) ->
                                    active.add(s.state().unit());
                            default -> { }
                        }
                    }
                }
            });
            List<PassReport> passes = new CopyOnWriteArrayList<>();
            long startedNanos = System.nanoTime();
            for (Agent agent : agents.subList(0, 2)) {
                Engine engine = new Engine(Registry.create(engineStore), engineStore, agent.machineId(),
                        () -> agent.status().leaseId().orElse(Lease.NONE), InstantSource.system(),
                        EngineSettings.defaults());
                engine.addListener(new EngineListener() {
                    @Override
                    public void passCompleted(PassReport report) {
                        passes.add(report);
                    }
                });
                engines.add(engine);
                engine.start();
            }
            List<Sample> timeline = new ArrayList<>();
            double placedAt = Double.NaN;
            long deadline = startedNanos + settings.convergeTimeout().toNanos();
            while (true) {
                double seconds = (System.nanoTime() - startedNanos) / 1e9;
                int p = placed.size();
                int a = active.size();
                timeline.add(new Sample(seconds, p, a));
                if (timeline.size() % 250 == 0) {
                    System.err.printf(Locale.ROOT, "scale: %.0f s, %,d placed, %,d active, %d fences%n", seconds, p, a,
                            fences.get());
                }
                if (Double.isNaN(placedAt) && p >= units.size()) {
                    placedAt = seconds;
                }
                if (a >= units.size()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    System.err.printf(Locale.ROOT, "scale: did not converge in %d s: %,d of %,d placed, %,d active%n",
                            settings.convergeTimeout().toSeconds(), p, units.size(), a);
                    break;
                }
                Thread.sleep(20);
            }
            Sample last = timeline.getLast();
            boolean converged = last.active() >= units.size();
            // The leader reports a pass once it has written it all and seen its writes come back, which
            // may be after the agents have started the units: wait (a little) for the reports.
            long reportsDue = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (converged && passes.stream().mapToLong(r -> r.applied().size()).sum() < units.size()
                    && System.nanoTime() < reportsDue) {
                Thread.sleep(20);
            }
            return new Run(placementRate(passes), Double.isNaN(placedAt) ? last.seconds() : placedAt, last.seconds(),
                    passes.size(), ledger.starts(), fences.get(), converged, thin(timeline, 300));
        } finally {
            if (watch != null) {
                watch.close();
            }
            engines.forEach(Engine::close);
            closeAll(agents);
            deleteTree(dirs);
        }
    }

    /** Decisions written over the span from the first pass's start to the end of the last pass that wrote any. */
    static double placementRate(List<PassReport> passes) {
        List<PassReport> placing = passes.stream().filter(p -> !p.applied().isEmpty()).toList();
        if (placing.isEmpty()) {
            return 0;
        }
        PassReport first = passes.stream().min(Comparator.comparing(PassReport::startedAt)).orElseThrow();
        PassReport last = placing.stream().max(Comparator.comparing(p -> p.startedAt().plus(p.duration())))
                .orElseThrow();
        Duration span = Duration.between(first.startedAt(), last.startedAt().plus(last.duration()));
        long decisions = placing.stream().mapToLong(p -> p.applied().size()).sum();
        return decisions / Math.max(1e-3, span.toNanos() / 1e9);
    }

    /**
     * Submits every unit with desired state launched, from {@code writers} at once: 8 on the embedded
     * store (one lock: more only queue), 64 on etcd (it commits concurrent writes with one fsync).
     */
    private static void submit(Registry registry, Map<UnitName, String> units, int writers) throws Exception {
        List<Map.Entry<UnitName, String>> all = new ArrayList<>(units.entrySet());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w;
                done.add(pool.submit(() -> {
                    for (int i = first; i < all.size(); i += writers) {
                        registry.units().create(all.get(i).getKey(), all.get(i).getValue(), DesiredState.LAUNCHED, false);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    /** Closes the agents from several threads: each waits for its reconcile thread and renews its lease once. */
    private static void closeAll(List<Agent> agents) throws InterruptedException {
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            agents.forEach(agent -> pool.execute(agent::close));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** At most {@code points} samples, evenly picked, the last one kept. */
    private static List<Sample> thin(List<Sample> samples, int points) {
        if (samples.size() <= points) {
            return samples;
        }
        List<Sample> out = new ArrayList<>();
        double step = (double) samples.size() / points;
        for (int i = 0; i < points - 1; i++) {
            out.add(samples.get((int) (i * step)));
        }
        out.add(samples.getLast());
        return out;
    }

    static Section section(Settings settings, List<StoreResult> results) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%,d hollow machines and %,d units in one JVM; %d run(s) per store. "
                + "Hollow machines are real agents (lease, registration, watch, reconciler, state publishing) "
                + "over a hollow runtime that records starts instead of forking (as kubemark's hollow nodes); "
                + "the engine is the real leader-elected one (two engines campaign). Units: templates of "
                + "%,d instances, every tenth with `Conflicts=` on its own instances, every tenth+5 with "
                + "`MachineMetadata=` (a quarter of the machines). The units are submitted launched while no "
                + "engine runs (untimed); the clock starts when the engines do.%n%n",
                settings.machines(), settings.units(), settings.runs(), Math.min(MAX_INSTANCES, settings.machines())));
        md.append("| store | store clients | placements/s | all placed (s) | all active (s) | leader passes | "
                + "hollow starts | fences |\n|---|---|---|---|---|---|---|---|\n");
        for (StoreResult r : results) {
            Stats rate = r.stat(Run::placementsPerSecond);
            Stats placed = r.stat(Run::placedSeconds);
            Stats active = r.stat(Run::activeSeconds);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %d |%n", r.store(), r.clients(),
                    rate.format("/s"), seconds(placed), seconds(active),
                    r.runs().stream().map(run -> Long.toString(run.passes())).toList(),
                    r.runs().stream().map(run -> Long.toString(run.hollowStarts())).toList(),
                    r.runs().stream().mapToInt(Run::fences).sum()));
        }
        for (StoreResult r : results) {
            for (Run run : r.runs()) {
                if (!run.converged()) {
                    Sample last = run.timeline().getLast();
                    md.append(String.format(Locale.ROOT, "%nOn %s a run did not converge within %.0f s: %,d units "
                            + "placed, %,d active (its times above are that timeout).%n", r.store(), last.seconds(),
                            last.placed(), last.active()));
                }
            }
        }
        StoreResult etcd = results.stream().filter(r -> r.store().startsWith("etcd")).findFirst().orElse(results.getLast());
        double rate = etcd.stat(Run::placementsPerSecond).median();
        double converge = etcd.stat(Run::activeSeconds).median();
        md.append(String.format(Locale.ROOT, "%nResult: on etcd, %,d units: at least 10,000 placements/s: %,.0f/s, %s; "
                + "every unit active in under 60 s: %.1f s, %s.%n", settings.units(), rate,
                rate >= 10_000 ? "met" : "not met", converge,
                converge < 60 && etcd.runs().stream().allMatch(Run::converged) ? "met" : "not met"));
        return new Section("scale", "Scale: 1,000 hollow machines, 100,000 units", md.toString(), charts(results));
    }

    private static String seconds(Stats s) {
        return String.format(Locale.ROOT, "%.1f (%.1f–%.1f)", s.median(), s.min(), s.max());
    }

    private static List<Chart> charts(List<StoreResult> results) {
        List<Chart.Line> lines = new ArrayList<>();
        List<Chart.Bar> rates = new ArrayList<>();
        List<Chart.Bar> times = new ArrayList<>();
        for (StoreResult r : results) {
            Run median = r.medianRun();
            List<Double> x = median.timeline().stream().map(Sample::seconds).toList();
            lines.add(new Chart.Line(r.store() + ": placed", x,
                    median.timeline().stream().map(s -> (double) s.placed()).toList()));
            lines.add(new Chart.Line(r.store() + ": active", x,
                    median.timeline().stream().map(s -> (double) s.active()).toList()));
            rates.add(Chart.Bar.of(r.store(), "placements/s", r.stat(Run::placementsPerSecond)));
            times.add(Chart.Bar.of(r.store(), "all placed", r.stat(Run::placedSeconds)));
            times.add(Chart.Bar.of(r.store(), "all active", r.stat(Run::activeSeconds)));
        }
        return List.of(
                Chart.lines("timeline", "Units placed and active after the engines start (median run)", "s",
                        "units", lines),
                Chart.bars("placements", "Placements per second by the leader (median, min..max)", "store",
                        "placements/s", rates),
                Chart.bars("convergence", "Time until every unit is placed / active (median, min..max)", "store", "s",
                        times));
    }
}
