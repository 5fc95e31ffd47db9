package dev.flotilla.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.embedded.EmbeddedKvStore;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import dev.flotilla.testkit.EtcdServer;

/**
 * Entry point of {@code bench/run}: runs the named benchmarks and prints their figures as
 * Markdown (and writes them to {@code --out FILE} when given).
 *
 * <pre>bench/run [store] [launch] [failover] [failover-kill9] [footprint] [lb] [store-cost] [--ops N] [--runs N] [--concurrency N]
 *           [--starts N] [--instances N] [--units N] [--lease-ttl SECONDS] [--window SECONDS]
 *           [--jvm-opts "OPTS"]... [--threads N] [--connections N] [--duration SECONDS] [--smoke] [--out FILE]</pre>
 *
 * <p>{@code --runs} applies to every benchmark named; when not given each uses its own default
 * (store 5, launch 3 bulk runs, failover 10, failover-kill9 10). {@code --units} is how many units
 * failover and failover-kill9 spread over their machines (20 unless given; 8 with {@code --smoke}).
 * {@code footprint} measures one idle agent process with 0 units, then with 100 ({@code --units} does not
 * apply), in an idle window of {@code --window} seconds (30), once per JVM configuration: each
 * {@code --jvm-opts} given (an empty string: bin/flotilla's flags alone), else its built-in list.
 * {@code failover-kill9} and {@code footprint} run the
 * CLI's jar ({@code -Dflotilla.jar}, which bench/run sets). {@code lb} puts the same load (wrk with
 * {@code --threads} 2, {@code --connections} 64, {@code --duration} 10 s; {@code --runs} 3) through
 * each balancer in turn: one backend directly, HAProxy, nginx and {@code flotilla lb} from that jar.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        // gRPC logs through java.util.logging; the figures are the only output wanted.
        java.util.logging.LogManager.getLogManager().reset();
        List<String> names = new ArrayList<>();
        int ops = 5_000;
        Integer runs = null;
        int concurrency = 8;
        int starts = 200;
        int instances = 300; // issue 3's 1,000: --instances 1000 (about 90 s; docs/benchmarks.md)
        int failoverUnits = 20;
        Integer units = null; // --units: failover's and failover-kill9's unit count, spread over the 4 machines
        int killMachines = 4;
        int leaseTtl = 0; // 0: the agent's default
        int peerLeaseTtl = 0; // failover-kill9's peer (e.g. 5, the previous default), runs taking turns; 0: none
        boolean smoke = false;
        int footprintUnits = 100;
        int windowSeconds = 30;
        int settleSeconds = 10;
        int lbThreads = 2;
        int lbConnections = 64;
        int lbSeconds = 10;
        List<List<String>> jvmOptions = new ArrayList<>(); // footprint's configurations; none given: its built-in list
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ops" -> ops = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--starts" -> starts = Integer.parseInt(args[++i]);
                case "--instances" -> instances = Integer.parseInt(args[++i]);
                case "--lease-ttl" -> leaseTtl = Integer.parseInt(args[++i]);
                case "--peer-lease-ttl" -> peerLeaseTtl = Integer.parseInt(args[++i]);
                case "--units" -> units = Integer.parseInt(args[++i]);
                case "--smoke" -> smoke = true;
                case "--threads" -> lbThreads = Integer.parseInt(args[++i]);
                case "--connections" -> lbConnections = Integer.parseInt(args[++i]);
                case "--duration" -> lbSeconds = Integer.parseInt(args[++i]);
                case "--window" -> windowSeconds = Integer.parseInt(args[++i]);
                case "--jvm-opts" -> jvmOptions.add(args[++i].isBlank() ? List.of() : List.of(args[i].trim().split("\\s+")));
                case "-h", "--help" -> {
                    System.out.println("usage: bench/run [store] [launch] [failover] [failover-kill9] [footprint] [lb] [store-cost] [--ops N] [--runs N] [--concurrency N] [--starts N] [--instances N] [--units N] [--lease-ttl SECONDS] [--peer-lease-ttl SECONDS] [--window SECONDS] [--jvm-opts \"OPTS\"]... [--threads N] [--connections N] [--duration SECONDS] [--smoke] [--out FILE]");
                    return;
                }
                default -> {
                    if (args[i].startsWith("-")) {
                        System.err.println("bench: unknown option " + args[i] + " (see bench/run --help)");
                        System.exit(2);
                    }
                    names.add(args[i]);
                }
            }
        }
        if (names.isEmpty()) {
            names.add("store");
        }
        if (smoke) {
            ops = 200;
            runs = 1;
            concurrency = 4;
            starts = 2;
            instances = 10;
            failoverUnits = 8;
            killMachines = 2; // each agent is a JVM to start: two are enough to see it work
            leaseTtl = 2;
            footprintUnits = 5;
            windowSeconds = 2;
            settleSeconds = 0;
            if (jvmOptions.isEmpty()) {
                jvmOptions.add(List.of());
            }
        }
        if (units != null) {
            failoverUnits = units;
        }
        StringBuilder report = new StringBuilder();
        for (String name : names) {
            switch (name) {
                case "store" -> report.append(store(ops, runs == null ? 5 : runs, concurrency));
                case "launch" -> report.append(launch(4, starts, instances, runs == null ? 3 : runs));
                case "failover" -> report.append(failover(4, failoverUnits, runs == null ? 10 : runs));
                case "failover-kill9" -> report.append(failoverKill9(KillBenchmark.defaultJar(), killMachines,
                        failoverUnits, runs == null ? 20 : runs, leaseTtl, peerLeaseTtl));
                case "footprint" -> report.append(footprint(KillBenchmark.defaultJar(),
                        jvmOptions.isEmpty() ? FootprintBenchmark.CONFIGURATIONS : jvmOptions, footprintUnits,
                        windowSeconds, settleSeconds));
                case "store-cost" -> report.append(storeCost(smoke ? 2 : 4, smoke ? 3 : 50, smoke ? 3 : 100,
                        smoke ? 2 : windowSeconds));
                case "lb" -> report.append(lb(KillBenchmark.defaultJar(), smoke ? LbBenchmark.Settings.smokeRun()
                        : LbBenchmark.Settings.full(lbThreads, lbConnections, java.time.Duration.ofSeconds(lbSeconds),
                                runs == null ? 3 : runs)));
                default -> {
                    System.err.println("bench: unknown benchmark '" + name + "'; known: store, launch, failover, "
                            + "failover-kill9, footprint, lb, store-cost");
                    System.exit(2);
                }
            }
        }
        System.out.print(report);
        if (out != null) {
            Files.writeString(out, report);
        }
    }

    /** Measures every store backend in one run, so their figures are comparable. */
    static String store(int ops, int runs, int concurrency) throws Exception {
        StoreBenchmark bench = new StoreBenchmark(ops, runs, concurrency);
        List<StoreBenchmark.Result> results = new ArrayList<>();
        try (KvStore store = EmbeddedKvStore.inMemory()) {
            results.add(bench.measure("embedded, in memory", store));
        }
        Path dir = Files.createTempDirectory("flotilla-bench-store");
        try (KvStore store = EmbeddedKvStore.open(dir)) {
            results.add(bench.measure("embedded, durable (MVStore)", store));
        }
        try (EtcdServer etcd = EtcdServer.startNew(); KvStore store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()))) {
            results.add(bench.measure("etcd 3.4, 1 member on loopback", store));
        }
        return String.format(Locale.ROOT, "## Store: put, CAS and watch delivery%n%n")
                + StoreBenchmark.markdown(results, ops, runs, concurrency) + "\n";
    }

    /** Start-to-active latency of one unit, and of many template instances at once. */
    static String launch(int machines, int starts, int instances, int bulkRuns) throws Exception {
        ClusterBenchmark.LaunchResult result = ClusterBenchmark.launch(machines, starts, instances, bulkRuns);
        return String.format(Locale.ROOT, "## Launch: start to active%n%n") + ClusterBenchmark.section(result).markdown()
                + "\n";
    }

    /** Time from {@code kill -9} of an agent process to its units active elsewhere. */
    static String failoverKill9(Path jar, int machines, int units, int runs, int leaseTtlSeconds, int peerLeaseTtl)
            throws Exception {
        // --lease-ttl S, else the agent's default (no flag); --peer-lease-ttl P adds P as a peer taking turns.
        List<Integer> ttls = peerLeaseTtl > 0 ? List.of(leaseTtlSeconds, peerLeaseTtl) : List.of(leaseTtlSeconds);
        List<KillBenchmark.Result> results = KillBenchmark.run(jar, machines, units, runs, ttls);
        return String.format(Locale.ROOT, "## Failover: kill -9 of an agent process to its units active elsewhere%n%n")
                + KillBenchmark.section(results).markdown() + "\n";
    }

    /** RSS, PSS and CPU of one idle agent process, with no unit and with {@code units}, per JVM configuration. */
    static String footprint(Path jar, List<List<String>> configurations, int units, int windowSeconds, int settleSeconds)
            throws Exception {
        java.time.Duration window = java.time.Duration.ofSeconds(windowSeconds);
        java.time.Duration settle = java.time.Duration.ofSeconds(settleSeconds);
        List<FootprintBenchmark.Result> results = FootprintBenchmark.run(jar, configurations, units, window, settle);
        return String.format(Locale.ROOT, "## Agent footprint: memory and CPU of an idle agent%n%n")
                + FootprintBenchmark.markdown(results, window, settle) + "\n";
    }

    /** Store requests per unit start, and the writes of an idle cluster, on both backends. */
    static String storeCost(int startMachines, int starts, int idleMachines, int windowSeconds) throws Exception {
        List<StoreCostBenchmark.Result> results = StoreCostBenchmark.run(startMachines, starts, idleMachines,
                java.time.Duration.ofSeconds(windowSeconds));
        return String.format(Locale.ROOT, "## Store cost: requests per unit start, writes of an idle cluster%n%n")
                + StoreCostBenchmark.section(results, startMachines).markdown() + "\n";
    }

    /** Requests per second and latency through each balancer, against the same 4 backends. */
    static String lb(Path jar, LbBenchmark.Settings settings) throws Exception {
        LbBenchmark.Result result = LbBenchmark.run(jar, settings);
        return String.format(Locale.ROOT, "## Load balancer: requests through HAProxy, nginx and flotilla lb%n%n")
                + LbBenchmark.markdown(result) + "\n";
    }

    /** Time from losing a machine to its units active elsewhere. */
    static String failover(int machines, int units, int runs) throws Exception {
        ClusterBenchmark.FailoverResult result = ClusterBenchmark.failover(machines, units, runs);
        return String.format(Locale.ROOT, "## Failover: machine lost to its units active elsewhere%n%n")
                + ClusterBenchmark.markdown(result) + "\n";
    }
}
