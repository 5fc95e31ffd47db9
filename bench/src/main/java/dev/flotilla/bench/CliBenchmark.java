package dev.flotilla.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.daemon.DevCluster;
import dev.flotilla.unit.UnitFile;

/**
 * Issue 8 item 7: how long a user waits for {@code bin/flotilla list-units}, the real script as typed, against a
 * dev cluster running {@code units} units; next to it, in the same run and interleaved, {@code bin/flotilla --help}
 * and {@code --version}, the same command the old way ({@code java -jar flotilla.jar list-units}, the whole jar and
 * no ahead-of-time cache), the script with its cache turned off ({@code FLOTILLA_AOT=0}), and a bare
 * {@code java -version} on the same JDK: the floor any JVM command stands on.
 *
 * <p>Wall time from starting the process to its exit, its output read to the end, {@code runs} times each; and its
 * CPU time (user + sys, of the process and the children it waited for: this JVM's {@code cutime + cstime} in
 * {@code /proc/self/stat}, in 10 ms ticks), which a loaded machine inflates far less than wall time.
 */
final class CliBenchmark {

    /** One command line measured. */
    record Variant(String label, List<String> command, boolean aotOff) {
    }

    /** One variant's wall times and CPU times (user + sys of the process and its children) in ms, one per run. */
    record Timing(Variant variant, double[] millis, double[] cpuMillis) {
    }

    /** The figures, and whether bin/flotilla had its AOT cache when measured. */
    record Result(int machines, int units, int runs, boolean cacheReady, List<Timing> timings, String javaVersion) {
    }

    static final double GOAL_MILLIS = 300;

    private static final String TEMPLATE = """
            [Service]
            ExecStart=/bin/sleep 100000
            """;

    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    private CliBenchmark() {
    }

    /** Runs the benchmark and returns its page section. */
    static Section section(Path jar, int machines, int units, int runs) throws Exception {
        return section(run(jar, machines, units, runs));
    }

    static Result run(Path jar, int machines, int units, int runs) throws Exception {
        Path root = jar.toAbsolutePath().getParent().getParent().getParent();
        Path script = root.resolve("bin/flotilla");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path work = Path.of(System.getProperty("flotilla.test.workdir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(work);
        DevCluster cluster = DevCluster.start(machines, Files.createTempDirectory(work, "bench-cli"), 0);
        Thread onExit = new Thread(cluster::close, "bench-cli-close");
        Runtime.getRuntime().addShutdownHook(onExit);
        try (FleetClient api = new FleetClient(cluster.machines().getFirst().apiUrl(), Duration.ofSeconds(30))) {
            if (!cluster.awaitJoined(Duration.ofSeconds(30))) {
                throw new IllegalStateException("the dev cluster's machines did not join within 30 s");
            }
            Set<String> names = new HashSet<>();
            for (int i = 1; i <= units; i++) {
                String name = String.format(Locale.ROOT, "sleeper@%03d.service", i);
                List<UnitOption> options = UnitFile.parse(name, TEMPLATE).options().stream()
                        .map(o -> new UnitOption(o.section(), o.name(), o.value())).toList();
                api.putUnit(Unit.submission(name, options, TEMPLATE, DesiredState.LAUNCHED));
                names.add(name);
            }
            Waits.await(TIMEOUT, "all " + units + " units active", Duration.ofMillis(100),
                    () -> api.states(null, null).stream().filter(s -> names.contains(s.name()) && Waits.running(s))
                            .count() == units);
            String endpoint = cluster.machines().getFirst().apiUrl().toString();
            List<Variant> variants = List.of(
                    new Variant("`bin/flotilla list-units`", List.of(script.toString(), "list-units"), false),
                    new Variant("`bin/flotilla --help`", List.of(script.toString(), "--help"), false),
                    new Variant("`bin/flotilla --version`", List.of(script.toString(), "--version"), false),
                    new Variant("`FLOTILLA_AOT=0 bin/flotilla list-units` (no AOT cache)",
                            List.of(script.toString(), "list-units"), true),
                    new Variant("`java -jar flotilla.jar list-units` (the old way: whole jar, no cache)",
                            List.of(java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                                    "-XX:+UseSerialGC", "-jar", jar.toString(), "list-units"), false),
                    new Variant("`java -version` (the JVM alone)", List.of(java, "-version"), false));
            // The first command trains the AOT cache in the background; wait for it, so that the figures are
            // what every later command gets.
            String first = exec(variants.getFirst(), endpoint, root);
            if (first.lines().filter(l -> l.startsWith("sleeper@")).count() != units) {
                throw new IllegalStateException("bin/flotilla list-units did not list the " + units + " units:\n" + first);
            }
            boolean cacheReady = awaitCache(root.resolve("flotilla-cli/target/aot"), jar);
            for (Variant v : variants) {
                exec(v, endpoint, root); // one warm-up each: the page cache holds the jars for every variant alike
            }
            double[][] millis = new double[variants.size()][runs];
            double[][] cpu = new double[variants.size()][runs];
            for (int run = 0; run < runs; run++) {
                for (int v = 0; v < variants.size(); v++) {
                    // Interleaved: each run starts with a different variant, so that load changes hit all alike.
                    int i = (v + run) % variants.size();
                    long ticks = childCpuTicks();
                    long start = System.nanoTime();
                    exec(variants.get(i), endpoint, root);
                    millis[i][run] = (System.nanoTime() - start) / 1e6;
                    cpu[i][run] = (childCpuTicks() - ticks) * 10.0;
                }
            }
            List<Timing> timings = new ArrayList<>();
            for (int v = 0; v < variants.size(); v++) {
                timings.add(new Timing(variants.get(v), millis[v], cpu[v]));
            }
            return new Result(machines, units, runs, cacheReady, timings, Runtime.version().toString());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException e) {
                // Already exiting: the hook closes the cluster.
            }
            cluster.close();
        }
    }

    /** This JVM's waited-for children's CPU time so far, in USER_HZ ticks (100 a second on Linux). */
    private static long childCpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        // after the command name in parentheses: state is field 3, cutime 16, cstime 17
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    /** Runs one command to its end and returns its stdout; a failure is an error with its output. */
    private static String exec(Variant variant, String endpoint, Path root) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(variant.command()).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("FLOTILLA_ENDPOINT", endpoint);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("FLOTILLA_JAVA_OPTS");
        if (variant.aotOff()) {
            pb.environment().put("FLOTILLA_AOT", "0");
        }
        Process process = pb.start();
        process.getOutputStream().close();
        String out;
        try (InputStream in = process.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int code = process.waitFor();
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", variant.command()) + " exited with " + code + ":\n" + out);
        }
        return out;
    }

    /** Waits (up to 2 minutes) for bin/flotilla's background training to leave a cache; false if it does not. */
    private static boolean awaitCache(Path dir, Path jar) throws Exception {
        try {
            Waits.await(Duration.ofMinutes(2), "bin/flotilla's AOT cache in " + dir, Duration.ofMillis(200),
                    () -> hasCache(dir, jar));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Whether {@code dir} holds a fleet-command cache made after the jars were (bin/flotilla names it by them). */
    private static boolean hasCache(Path dir, Path jar) throws IOException {
        return AotFiles.newerThanJars(dir, "cli-.*\\.aot", jar);
    }

    static Section section(Result r) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "A dev cluster of %d machines (in the harness' JVM) running %d units "
                + "(`/bin/sleep`, all active); each command run %d times, interleaved, after one warm-up; wall time "
                + "from start to exit, median (min–max). JDK %s. bin/flotilla's AOT cache: %s.%n%n", r.machines(),
                r.units(), r.runs(), r.javaVersion(), r.cacheReady() ? "trained and used"
                        : "**not made within 2 minutes: the bin/flotilla figures are without it**"));
        double floor = Stats.of(r.timings().getLast().millis()).median();
        md.append("| command | wall p50 | wall min–max | vs `java -version` | CPU p50 (user + sys) | CPU min–max |\n"
                + "|---|---|---|---|---|---|\n");
        List<Chart.Bar> bars = new ArrayList<>();
        for (Timing t : r.timings()) {
            Stats s = Stats.of(t.millis());
            Stats c = Stats.of(t.cpuMillis());
            md.append(String.format(Locale.ROOT, "| %s | %,.0f ms | %,.0f–%,.0f ms | %.1fx | %,.0f ms | %,.0f–%,.0f ms |%n",
                    t.variant().label(), s.median(), s.min(), s.max(), s.median() / floor, c.median(), c.min(), c.max()));
            String group = t.variant().label().replaceAll("`| \\(.*", "");
            bars.add(Chart.Bar.of(group, "wall time", s));
            bars.add(Chart.Bar.of(group, "CPU time", c));
        }
        Stats listUnits = Stats.of(r.timings().getFirst().millis());
        Stats listUnitsCpu = Stats.of(r.timings().getFirst().cpuMillis());
        md.append(String.format(Locale.ROOT, "%nResult: `bin/flotilla list-units` p50 %,.0f ms wall (%,.0f ms CPU), "
                + "goal (p50 under %.0f ms) %s.%n", listUnits.median(), listUnitsCpu.median(), GOAL_MILLIS,
                listUnits.median() < GOAL_MILLIS ? "met" : "missed"));
        Chart chart = Chart.bars("time", "CLI wall and CPU time, " + r.units() + " units (median, min–max)", "command",
                "ms", bars);
        return new Section("cli", "CLI latency: bin/flotilla list-units", md.toString(), List.of(chart));
    }
}
