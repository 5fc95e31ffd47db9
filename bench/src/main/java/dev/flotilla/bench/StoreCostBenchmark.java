package dev.flotilla.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.daemon.MachineDaemon;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.server.ApiSettings;
import dev.flotilla.server.ClusterEvents;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.embedded.EmbeddedKvStore;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.WorkDirs;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;

/**
 * What the cluster asks of its store (issue 8, item 4). Every request of every machine (agents, engines, API
 * servers, all in this JVM) goes through one {@link CountingKvStore} over the real store, embedded or etcd:
 * <ul>
 *   <li><b>per unit start</b>: on {@code startMachines} machines, {@code starts} units are started one after
 *       another through the fleet v1 API ({@code PUT /fleet/v1/units/NAME}, launched) until their agent
 *       publishes them active; every request counted meanwhile (API, engine, agent; lease keep-alives
 *       apart) divided by the starts. The harness reads states from the real store directly, uncounted.</li>
 *   <li><b>idle</b>: {@code idleMachines} machines, no units, after they joined and settled, over a window:
 *       the writes per second, by kind and key. The goal: lease keep-alives only.</li>
 * </ul>
 * Real agents, real exec runtime (a watchdog per machine), real API servers; machines on 127.0.0.2 and up.
 */
final class StoreCostBenchmark {

    private static final String UNIT = """
            [Service]
            ExecStart=/bin/sleep 100000
            """;
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    /**
     * One backend's figures.
     *
     * @param backend its name
     * @param starts how many units were started
     * @param perStart every request of the starts, by kind (keep-alives apart), in total
     * @param perStartWrites keys written by the starts, by kind and prefix, in total
     * @param startWindowSeconds how long the starts took
     * @param idleMachines machines of the idle cluster
     * @param idleSeconds the idle window
     * @param idle requests of the idle window, by kind, in total
     * @param idleWrites keys written in the idle window, by kind and prefix, in total
     */
    record Result(String backend, int starts, Map<String, Long> perStart, Map<String, Long> perStartWrites,
                  double startWindowSeconds, int idleMachines, double idleSeconds, Map<String, Long> idle,
                  Map<String, Long> idleWrites) {

        double requestsPerStart() {
            return perStart.entrySet().stream().filter(e -> !e.getKey().equals("keep-alive"))
                    .mapToLong(Map.Entry::getValue).sum() / (double) starts;
        }

        double writesPerStart() {
            return perStart.entrySet().stream().filter(e -> !e.getKey().equals("keep-alive")
                    && CountingKvStore.Counts.isWrite(e.getKey())).mapToLong(Map.Entry::getValue).sum() / (double) starts;
        }

        double idleWritesPerSecond() {
            return idle.entrySet().stream().filter(e -> CountingKvStore.Counts.isWrite(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum() / idleSeconds;
        }

        double idleWritesBesideKeepAlivesPerSecond() {
            return idle.entrySet().stream().filter(e -> CountingKvStore.Counts.isWrite(e.getKey())
                    && !e.getKey().equals("keep-alive")).mapToLong(Map.Entry::getValue).sum() / idleSeconds;
        }
    }

    private StoreCostBenchmark() {
    }

    /** Both backends, one after the other. */
    static List<Result> run(int startMachines, int starts, int idleMachines, Duration idleWindow) throws Exception {
        List<Result> results = new ArrayList<>();
        try (KvStore store = EmbeddedKvStore.inMemory()) {
            results.add(measure("embedded, in memory", store, startMachines, starts, idleMachines, idleWindow));
        }
        try (EtcdServer etcd = EtcdServer.startNew();
                KvStore store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()))) {
            results.add(measure("etcd, 1 member on loopback", store, startMachines, starts, idleMachines, idleWindow));
        }
        return results;
    }

    static Result measure(String backend, KvStore real, int startMachines, int starts, int idleMachines,
            Duration idleWindow) throws Exception {
        CountingKvStore.Counts startCounts;
        double startSeconds;
        String rootA = "/bench-starts/";
        try (Machines cluster = Machines.start(real, rootA, startMachines)) {
            Registry uncounted = Registry.create(real, rootA, InstantSource.system());
            try (FleetClient api = new FleetClient(cluster.daemons.getFirst().apiUrl(), Duration.ofSeconds(30))) {
                startAndAwait(api, uncounted, "warmup.service");
                api.destroyUnit("warmup.service");
                Waits.await(TIMEOUT, "the warm-up unit to stop", Duration.ofMillis(20),
                        () -> uncounted.states().ofUnit(new UnitName("warmup.service")).isEmpty());
                quiet(cluster.counting);
                long t0 = System.nanoTime();
                for (int i = 1; i <= starts; i++) {
                    startAndAwait(api, uncounted, "cost-" + i + ".service");
                }
                startSeconds = (System.nanoTime() - t0) / 1e9;
                startCounts = cluster.counting.reset();
            }
        }
        CountingKvStore.Counts idleCounts;
        String rootB = "/bench-idle/";
        try (Machines cluster = Machines.start(real, rootB, idleMachines)) {
            // Joined; let every machine's first passes (engine campaigns, agents' views, watchdogs) settle.
            quiet(cluster.counting);
            Thread.sleep(idleWindow.toMillis());
            idleCounts = cluster.counting.reset();
        }
        return new Result(backend, starts, startCounts.requests(), startCounts.writes(), startSeconds, idleMachines,
                idleWindow.toMillis() / 1000.0, idleCounts.requests(), idleCounts.writes());
    }

    /** Waits until 2 s pass without a write besides keep-alives (at most 30 s), then resets the counts. */
    private static void quiet(CountingKvStore counting) throws InterruptedException {
        counting.reset();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        do {
            Thread.sleep(2000);
        } while (counting.reset().writeRequestsBesideKeepAlives() > 0 && System.nanoTime() < deadline);
    }

    private static void startAndAwait(FleetClient api, Registry uncounted, String name) throws Exception {
        List<UnitOption> options = UnitFile.parse(name, UNIT).options().stream()
                .map(o -> new UnitOption(o.section(), o.name(), o.value())).toList();
        api.putUnit(Unit.submission(name, options, UNIT, DesiredState.LAUNCHED));
        UnitName unit = new UnitName(name);
        Waits.await(TIMEOUT, name + " active", Duration.ofMillis(5), () -> uncounted.states().ofUnit(unit).stream()
                .anyMatch(s -> "active".equals(s.activeState())));
    }

    /** {@code count} machines over one counting view of {@code real}, under {@code root}. */
    private record Machines(CountingKvStore counting, ClusterEvents events, List<MachineDaemon> daemons)
            implements AutoCloseable {

        static Machines start(KvStore real, String root, int count) throws Exception {
            CountingKvStore counting = new CountingKvStore(real, root);
            ClusterEvents events = ClusterEvents.start(Registry.create(counting, root, InstantSource.system()),
                    InstantSource.system(), ClusterEvents.DEFAULT_CAPACITY);
            List<MachineDaemon> daemons = new ArrayList<>();
            Machines machines = new Machines(counting, events, daemons);
            try {
                Path work = WorkDirs.create("store-cost");
                for (int i = 0; i < count; i++) {
                    String ip = "127.0." + ((2 + i) / 256) + "." + ((2 + i) % 256);
                    AgentConfig config = AgentConfig.of(counting, work.resolve("machine-" + (i + 1)), ip)
                            .withRegistryRoot(root).withHostname("machine-" + (i + 1));
                    daemons.add(MachineDaemon.start(config, ApiSettings.on(ip, 0).withEvents(events)));
                }
                Registry registry = Registry.create(real, root, InstantSource.system());
                Waits.await(TIMEOUT, "all " + count + " machines to join", Duration.ofMillis(100),
                        () -> registry.machines().list().size() == count);
                return machines;
            } catch (Exception | Error e) {
                machines.close();
                throw e;
            }
        }

        @Override
        public void close() {
            for (MachineDaemon d : daemons.reversed()) {
                d.close();
            }
            events.close();
        }
    }

    // ---------------------------------------------------------------- reporting

    static Section section(List<Result> results, int startMachines) {
        StringBuilder md = new StringBuilder();
        double other = results.stream().mapToDouble(Result::idleWritesBesideKeepAlivesPerSecond).max().orElse(0);
        md.append(String.format(Locale.ROOT, "Result: idle %d machines write %s; a unit start costs %s store requests, "
                + "goal %s.%n%n", results.getFirst().idleMachines(), other == 0 ? "lease keep-alives only"
                        : String.format(Locale.ROOT, "%.2f/s besides lease keep-alives", other),
                String.join(" / ", results.stream().map(r -> String.format(Locale.ROOT, "%.0f (%s)", r.requestsPerStart(),
                        r.backend())).toList()), other == 0 ? "met" : "missed"));
        md.append(String.format(Locale.ROOT, "Every request of every machine (agents, engines, API servers in one JVM) "
                + "counted by a decorator over the real store. **Per start**: %d machines, units started one after "
                + "another through `PUT /fleet/v1/units/NAME` until active (the harness polls the real store, "
                + "uncounted). **Idle**: %d machines, no units, after they joined and 2 s passed without a write "
                + "but keep-alives.%n%n", startMachines, results.getFirst().idleMachines()));
        md.append("| backend | starts | requests per start | writes per start | idle writes/s | of which not keep-alives | goal (idle: keep-alives only) |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.2f | %s |%n", r.backend(),
                    r.starts(), r.requestsPerStart(), r.writesPerStart(), r.idleWritesPerSecond(),
                    r.idleWritesBesideKeepAlivesPerSecond(), r.idleWritesBesideKeepAlivesPerSecond() == 0 ? "met" : "missed"));
        }
        md.append("\nPer start, by kind of request (keep-alives during the starts apart):\n\n");
        TreeSet<String> kinds = new TreeSet<>();
        results.forEach(r -> kinds.addAll(r.perStart().keySet()));
        table(md, results, kinds, r -> r.perStart(), r -> (double) r.starts());
        md.append("\nPer start, keys written by kind and prefix (a transaction's writes each):\n\n");
        TreeSet<String> writeKinds = new TreeSet<>();
        results.forEach(r -> writeKinds.addAll(r.perStartWrites().keySet()));
        table(md, results, writeKinds, r -> r.perStartWrites(), r -> (double) r.starts());
        md.append("\nIdle, per second, by kind of request and by key written:\n\n");
        TreeSet<String> idleKinds = new TreeSet<>();
        results.forEach(r -> {
            idleKinds.addAll(r.idle().keySet());
            r.idleWrites().keySet().forEach(k -> idleKinds.add("key: " + k));
        });
        table(md, results, idleKinds, r -> {
            Map<String, Long> all = new TreeMap<>(r.idle());
            r.idleWrites().forEach((k, v) -> all.put("key: " + k, v));
            return all;
        }, Result::idleSeconds);
        List<Chart.Bar> perStart = new ArrayList<>();
        List<Chart.Bar> idle = new ArrayList<>();
        for (Result r : results) {
            perStart.add(new Chart.Bar(r.backend(), "requests", r.requestsPerStart(), r.requestsPerStart(), r.requestsPerStart()));
            perStart.add(new Chart.Bar(r.backend(), "writes", r.writesPerStart(), r.writesPerStart(), r.writesPerStart()));
            double ka = r.idle().getOrDefault("keep-alive", 0L) / r.idleSeconds();
            idle.add(new Chart.Bar(r.backend(), "keep-alives", ka, ka, ka));
            double rest = r.idleWritesBesideKeepAlivesPerSecond();
            idle.add(new Chart.Bar(r.backend(), "other writes", rest, rest, rest));
        }
        return new Section("store-cost", "Store cost: requests per unit start, writes of an idle cluster", md.toString(),
                List.of(Chart.bars("per-start", "Store requests per unit start", "backend", "requests per start", perStart),
                        Chart.bars("idle", "Writes per second, idle " + results.getFirst().idleMachines() + "-machine cluster",
                                "backend", "writes/s", idle)));
    }

    private static void table(StringBuilder md, List<Result> results, TreeSet<String> rows,
            java.util.function.Function<Result, Map<String, Long>> counts,
            java.util.function.ToDoubleFunction<Result> divisor) {
        md.append("| kind |");
        results.forEach(r -> md.append(' ').append(r.backend()).append(" |"));
        md.append("\n|---|");
        results.forEach(r -> md.append("---|"));
        md.append('\n');
        for (String row : rows) {
            md.append("| ").append(row).append(" |");
            for (Result r : results) {
                md.append(String.format(Locale.ROOT, " %.2f |", counts.apply(r).getOrDefault(row, 0L) / divisor.applyAsDouble(r)));
            }
            md.append('\n');
        }
    }
}
