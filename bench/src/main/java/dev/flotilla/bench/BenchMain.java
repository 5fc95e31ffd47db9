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
 * Entry point of {@code bench/run}: runs the named benchmarks (none named: all of them), each
 * yielding a {@link Section}, and has {@link BenchPage} store it and rewrite docs/benchmarks.md.
 * With {@code --smoke} (tiny runs) docs/ is left alone: the sections are printed, and written as a
 * page under {@code --out DIR} when given; {@code --out DIR} without {@code --smoke} writes the page
 * there instead of docs/.
 *
 * <pre>bench/run [NAME...] [--ops N] [--runs N] [--concurrency N]
 *           [--starts N] [--instances N] [--units N] [--lease-ttl SECONDS] [--window SECONDS]
 *           [--jvm-opts "OPTS"]... [--threads N] [--connections N] [--duration SECONDS] [--smoke] [--out DIR]</pre>
 *
 * <p>{@code --runs} applies to every benchmark named; when not given each uses its own default
 * (store 5, launch 3 bulk runs, failover 10, failover-kill9 20). {@code store-cost} counts the store requests of
 * 50 unit starts on 4 machines and the writes of 100 idle machines over {@code --window} seconds, on both backends. {@code --units} is how many units
 * failover and failover-kill9 spread over their machines (20 unless given; 8 with {@code --smoke}).
 * {@code footprint} measures idle agent processes with 0 units, then with 100 ({@code --units} does not
 * apply), in an idle window of {@code --window} seconds (30): the old {@code java -jar} agent, {@code bin/flotilla
 * agent} without and with its AOT cache, 3 such agents on one host, then one setup per {@code --jvm-opts} given
 * ({@code FLOTILLA_JAVA_OPTS}). {@code cli} times {@code bin/flotilla list-units} against a dev cluster of 100
 * units, {@code --runs} 20, next to {@code --help}, {@code --version}, {@code java -jar} and {@code java -version}.
 * {@code failover-kill9} and {@code footprint} run the
 * CLI's jar ({@code -Dflotilla.jar}, which bench/run sets). {@code lb} puts the same load (wrk with
 * {@code --threads} 2, {@code --connections} 64, {@code --duration} 10 s; {@code --runs} 3) through
 * each balancer in turn: one backend directly, HAProxy, nginx and {@code flotilla lb} from that jar.
 */
public final class BenchMain {

    static final String USAGE = "usage: bench/run [NAME...] [--ops N] [--runs N] [--concurrency N] [--starts N] "
            + "[--instances N] [--units N] [--lease-ttl SECONDS] [--window SECONDS] [--jvm-opts \"OPTS\"]... "
            + "[--threads N] [--connections N] [--duration SECONDS] [--machines N] [--smoke] [--out DIR] [--page-only]\n"
            + "  NAME: " + String.join(", ", known()) + " (none: all, in this order)\n"
            + "  Stores each result in docs/benchmarks/results/NAME.json, draws its charts to docs/benchmarks/ and\n"
            + "  rewrites docs/benchmarks.md from all stored results (--out DIR: DIR instead of docs).\n"
            + "  footprint: idle agents' RSS/PSS/CPU with 0 and 100 units, before/after, AOT cache, 3 agents (--window, --jvm-opts)\n"
            + "  cli: bin/flotilla list-units (100 units), --help, --version, java -jar, java -version, p50 of --runs 20\n"
            + "  scale: 1,000 hollow agents, 100,000 units, one engine leader, on the embedded store and etcd (--machines, --units, --runs 3; minutes per run)\n"
            + "  --page-only: rewrite docs/benchmarks.md from the stored results and notes, run nothing.\n"
            + "  --smoke: seconds-long runs that print their figures and leave docs/ alone (--out DIR: a page there).";

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        // gRPC logs through java.util.logging; the figures are the only output wanted.
        java.util.logging.LogManager.getLogManager().reset();
        List<String> names = new ArrayList<>();
        int ops = 5_000;
        Integer runs = null;
        int concurrency = 8;
        int starts = 200;
        int instances = 300; // issue 3's 1,000: --instances 1000 (about 90 s; docs/benchmarks.md)
        int failoverUnits = 20;
        Integer units = null; // --units: failover's and failover-kill9's unit count (over 4 machines), scale's total
        Integer machines = null; // --machines: scale's hollow agents
        boolean pageOnly = false;
        int killMachines = 4;
        int leaseTtl = 0; // 0: the agent's default (no --lease-ttl flag)
        boolean smoke = false;
        int footprintUnits = 100;
        int windowSeconds = 30;
        int settleSeconds = 10;
        int lbThreads = 2;
        int lbConnections = 64;
        int lbSeconds = 10;
        List<List<String>> jvmOptions = new ArrayList<>(); // footprint: more setups (FLOTILLA_JAVA_OPTS) after its built-in ones
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
                case "--units" -> units = Integer.parseInt(args[++i]);
                case "--machines" -> machines = Integer.parseInt(args[++i]);
                case "--page-only" -> pageOnly = true;
                case "--smoke" -> smoke = true;
                case "--threads" -> lbThreads = Integer.parseInt(args[++i]);
                case "--connections" -> lbConnections = Integer.parseInt(args[++i]);
                case "--duration" -> lbSeconds = Integer.parseInt(args[++i]);
                case "--window" -> windowSeconds = Integer.parseInt(args[++i]);
                case "--jvm-opts" -> jvmOptions.add(args[++i].isBlank() ? List.of() : List.of(args[i].trim().split("\\s+")));
                case "-h", "--help" -> {
                    System.out.println(USAGE);
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
        }
        if (pageOnly) {
            BenchPage page = new BenchPage(out != null ? out : Path.of("docs"));
            page.write();
            System.out.println("wrote " + page.page() + " from the stored results");
            return;
        }
        Integer scaleUnits = units;
        if (units != null) {
            failoverUnits = units;
        }
        Options options = new Options(smoke, ops, runs, concurrency, starts, instances, failoverUnits, killMachines,
                leaseTtl, footprintUnits, windowSeconds, settleSeconds, lbThreads, lbConnections, lbSeconds,
                List.copyOf(jvmOptions), machines, scaleUnits);
        for (String name : names) {
            if (benchmark(name, options) == null) {
                System.err.println("bench: unknown benchmark '" + name + "'" + (BenchPage.ORDER.contains(name)
                        ? " (planned, not written yet)" : "") + "; known: " + String.join(", ", known()));
                System.exit(2);
            }
        }
        if (names.isEmpty()) {
            names.addAll(known());
        }
        BenchPage page = smoke && out == null ? null : new BenchPage(out != null ? out : Path.of("docs"));
        for (String name : names) {
            String loadBefore = BenchPage.loadAverage();
            java.time.Instant started = java.time.Instant.now();
            Section section = benchmark(name, options).run();
            System.out.printf("## %s%n%n%s%n%n", section.title(), section.markdown().strip());
            if (page != null) {
                // Stored and the page rewritten after each benchmark: a later one failing loses nothing.
                page.store(section, started, loadBefore);
                page.write();
            }
        }
        if (page != null) {
            System.out.println("wrote " + page.page());
        }
    }

    /** The command line's settings, after {@code --smoke} shrank them. */
    private record Options(boolean smoke, int ops, Integer runs, int concurrency, int starts, int instances,
                           int failoverUnits, int killMachines, int leaseTtl, int footprintUnits, int windowSeconds,
                           int settleSeconds, int lbThreads, int lbConnections, int lbSeconds,
                           List<List<String>> jvmOptions, Integer machines, Integer scaleUnits) {

        /** {@code --runs} when given, else the benchmark's own default. */
        int runs(int byDefault) {
            return runs == null ? byDefault : runs;
        }
    }

    /** One benchmark, ready to run. */
    private interface Benchmark {
        Section run() throws Exception;
    }

    /** The benchmark called {@code name}, or null when there is none: one line per benchmark. */
    private static Benchmark benchmark(String name, Options o) {
        return switch (name) {
            case "store" -> () -> store(o.ops(), o.runs(5), o.concurrency());
            case "launch" -> () -> launch(4, o.starts(), o.instances(), o.runs(3));
            case "failover" -> () -> failover(4, o.failoverUnits(), o.runs(10));
            case "failover-kill9" -> () -> failoverKill9(KillBenchmark.defaultJar(), o.killMachines(), o.failoverUnits(), o.runs(20), o.leaseTtl());
            case "footprint" -> () -> FootprintBenchmark.section(KillBenchmark.defaultJar(), o.jvmOptions(), o.footprintUnits(), java.time.Duration.ofSeconds(o.windowSeconds()), java.time.Duration.ofSeconds(o.settleSeconds()), o.smoke());
            case "scale" -> () -> ScaleBenchmark.section(o.smoke() ? ScaleBenchmark.Settings.smoke() : ScaleBenchmark.Settings.full(o.machines(), o.scaleUnits(), o.runs()));
            case "store-cost" -> () -> storeCost(o.smoke() ? 2 : 4, o.smoke() ? 3 : 50, o.smoke() ? 3 : 100, o.smoke() ? 2 : o.windowSeconds());
            case "lb" -> () -> lb(KillBenchmark.defaultJar(), o.smoke() ? LbBenchmark.Settings.smokeRun() : LbBenchmark.Settings.full(o.lbThreads(), o.lbConnections(), java.time.Duration.ofSeconds(o.lbSeconds()), o.runs(3)));
            case "cli" -> () -> CliBenchmark.section(KillBenchmark.defaultJar(), o.smoke() ? 1 : 2, o.smoke() ? 5 : 100, o.runs(20));
            default -> null;
        };
    }

    /** The benchmarks this harness has, in page order. */
    static List<String> known() {
        Options any = new Options(true, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, List.of(), null, null);
        return BenchPage.ORDER.stream().filter(name -> benchmark(name, any) != null).toList();
    }

    /** A benchmark's Markdown without its leading {@code ## heading} (the page writes the title). */
    static String body(String markdown) {
        return markdown.startsWith("## ") ? markdown.substring(markdown.indexOf('\n') + 1).strip() : markdown.strip();
    }

    /** Measures every store backend in one run, so their figures are comparable. */
    static Section store(int ops, int runs, int concurrency) throws Exception {
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
        return StoreBenchmark.section(results, ops, runs, concurrency);
    }

    /** Start-to-active latency of one unit, and of many template instances at once. */
    static Section launch(int machines, int starts, int instances, int bulkRuns) throws Exception {
        return ClusterBenchmark.section(ClusterBenchmark.launch(machines, starts, instances, bulkRuns));
    }

    /** Time from {@code kill -9} of an agent process to its units active elsewhere ({@code leaseTtl} 0: the default). */
    static Section failoverKill9(Path jar, int machines, int units, int runs, int leaseTtlSeconds) throws Exception {
        return KillBenchmark.section(KillBenchmark.run(jar, machines, units, runs, List.of(leaseTtlSeconds)));
    }

    /** Store requests per unit start and the writes of an idle cluster, on the embedded store and on etcd. */
    static Section storeCost(int startMachines, int starts, int idleMachines, int windowSeconds) throws Exception {
        return StoreCostBenchmark.section(StoreCostBenchmark.run(startMachines, starts, idleMachines,
                java.time.Duration.ofSeconds(windowSeconds)), startMachines);
    }

    /** Requests per second and latency through each balancer, against the same 4 backends. */
    static Section lb(Path jar, LbBenchmark.Settings settings) throws Exception {
        return LbBenchmark.section(LbBenchmark.run(jar, settings));
    }

    /** Time from losing a machine to its units active elsewhere. */
    static Section failover(int machines, int units, int runs) throws Exception {
        return ClusterBenchmark.section(ClusterBenchmark.failover(machines, units, runs));
    }
}
