package dev.flotilla.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.WorkDirs;
import dev.flotilla.unit.UnitFile;

/**
 * Memory and CPU of one idle {@code flotilla agent} process, as {@code bin/flotilla} starts it
 * ({@code java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC
 * [FLOTILLA_JAVA_OPTS] -jar flotilla.jar agent ...}), on a real etcd: first with no unit, then with
 * {@code units} {@code /bin/sleep} exec units running on it. For each JVM configuration (extra flags
 * a user could put in {@code FLOTILLA_JAVA_OPTS}) a fresh etcd and agent.
 *
 * <p>Measured from {@code /proc}: the agent JVM's RSS ({@code VmRSS} of {@code status}) and PSS
 * ({@code smaps_rollup}), sampled every {@link #SAMPLE_EVERY} over an idle window (median); its CPU
 * (utime + stime of {@code stat}) over the whole window, as % of one core. The units' processes are
 * not the agent's: their shims' (perl) RSS and PSS and the commands' are summed separately.
 */
final class FootprintBenchmark {

    private static final String TEMPLATE = """
            [Unit]
            Description=Sleeper %i

            [Service]
            ExecStart=/bin/sleep 100000
            """;
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(3);
    /** The flags bin/flotilla always passes. */
    static final List<String> LAUNCHER_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC");
    /** What a user could set in FLOTILLA_JAVA_OPTS; the first is bin/flotilla's defaults alone. */
    static final List<List<String>> CONFIGURATIONS = List.of(
            List.of(),
            List.of("-Xmx64m"),
            List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"),
            List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xss256k", "-XX:ReservedCodeCacheSize=16m"),
            List.of("-Xmx32m", "-XX:TieredStopAtLevel=1", "-Xss256k", "-XX:ReservedCodeCacheSize=16m"));

    /** One idle window: medians of the samples, CPU over the window. */
    record Window(double agentRssMiB, double agentPssMiB, double agentCpuPercent, int samples,
                  double watchdogRssMiB, int shims, double shimRssMiB, double shimPssMiB, double commandRssMiB) {
    }

    /** {@code failure} when the configuration did not get through (then the windows are null). */
    record Result(List<String> jvmOptions, int units, Window idle, Window withUnits, String failure) {
    }

    private FootprintBenchmark() {
    }

    /**
     * Measures each configuration in turn.
     *
     * @param window how long each idle window lasts
     * @param settle how long to wait before a window (the JIT and the start-up's garbage settle)
     */
    static List<Result> run(Path jar, List<List<String>> configurations, int units, Duration window, Duration settle)
            throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no CLI jar at " + jar + ": build it first (./mvnw -pl flotilla-cli -am package)");
        }
        List<Result> results = new ArrayList<>();
        for (List<String> options : configurations) {
            try {
                results.add(measure(jar, options, units, window, settle));
            } catch (Exception e) { // a configuration too small for the agent is a finding, not the end of the run
                List<String> lines = String.valueOf(e.getMessage()).lines().filter(l -> !l.isBlank()).toList();
                String why = lines.isEmpty() ? e.toString()
                        : lines.size() == 1 ? lines.getFirst() : lines.getFirst() + " " + lines.getLast();
                results.add(new Result(options, units, null, null, why));
            }
        }
        return results;
    }

    private static Result measure(Path jar, List<String> options, int units, Duration window, Duration settle)
            throws Exception {
        Path work = WorkDirs.create("footprint");
        Path dir = work.resolve("agent");
        Files.createDirectories(dir);
        Path log = work.resolve("agent.out");
        try (EtcdServer etcd = EtcdServer.startNew()) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(LAUNCHER_FLAGS);
            command.addAll(options);
            command.addAll(List.of("-jar", jar.toString(), "agent", "--etcd", etcd.endpoint(), "--ip", "127.0.0.2",
                    "--api", "127.0.0.2:0", "--data-dir", dir.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            Thread onExit = new Thread(() -> killTree(process.toHandle()), "footprint-exit");
            Runtime.getRuntime().addShutdownHook(onExit);
            List<ProcessHandle> children = new ArrayList<>();
            try {
                Waits.AgentLines lines = Waits.awaitAgentLines(TIMEOUT, "the agent to serve its API", process, log);
                try (FleetClient api = new FleetClient(lines.api(), Duration.ofSeconds(30))) {
                    Waits.await(TIMEOUT, "the machine to join", Duration.ofMillis(20), () -> api.machines().size() == 1);
                    Thread.sleep(settle);
                    Window idle = window(process.pid(), dir, window);
                    List<String> names = new ArrayList<>();
                    for (int i = 1; i <= units; i++) {
                        String name = "sleeper@" + i + ".service";
                        names.add(name);
                        List<UnitOption> unitOptions = UnitFile.parse(name, TEMPLATE).options().stream()
                                .map(o -> new UnitOption(o.section(), o.name(), o.value())).toList();
                        api.putUnit(Unit.submission(name, unitOptions, TEMPLATE, DesiredState.LAUNCHED));
                    }
                    Waits.await(TIMEOUT, "all units active", Duration.ofMillis(100), () -> api.states(null, null).stream()
                            .filter(Waits::running).count() == units);
                    Thread.sleep(settle);
                    Window withUnits = window(process.pid(), dir, window);
                    process.descendants().forEach(children::add);
                    for (String name : names) {
                        api.destroyUnit(name);
                    }
                    Waits.await(TIMEOUT, "destroyed units to stop", Duration.ofMillis(50), () -> api.states(null, null).isEmpty());
                    return new Result(options, units, idle, withUnits, null);
                }
            } finally {
                process.descendants().forEach(children::add);
                process.destroy(); // SIGTERM
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    killTree(process.toHandle());
                }
                children.forEach(ProcessHandle::destroyForcibly);
                try {
                    Runtime.getRuntime().removeShutdownHook(onExit);
                } catch (IllegalStateException e) {
                    // exiting: the hook runs
                }
            }
        }
    }

    /** Samples the agent every {@link #SAMPLE_EVERY} for {@code length}; its CPU over the whole window. */
    private static Window window(long pid, Path dataDir, Duration length) throws Exception {
        String watchdogScript = ".flotilla-watchdog.pl";
        // The fencing watchdog: one perl process per agent, detached (found by its script under the data dir).
        List<Long> watchdogs = ProcessHandle.allProcesses().map(ProcessHandle::pid)
                .filter(p -> { String c = cmdline(p); return c.contains(watchdogScript) && c.contains(dataDir.toString()); })
                .toList();
        List<Double> watchdogRss = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        List<Double> pss = new ArrayList<>();
        List<Double> shimRss = new ArrayList<>();
        List<Double> shimPss = new ArrayList<>();
        List<Double> commandRss = new ArrayList<>();
        int shims = 0;
        long ticks0 = cpuTicks(pid);
        long start = System.nanoTime();
        long end = start + length.toNanos();
        while (true) {
            rss.add(statusKib(pid, "VmRSS").orElseThrow() / 1024.0);
            pss.add(pssKib(pid).orElse(-1) / 1024.0);
            watchdogRss.add(watchdogs.stream().mapToLong(w -> statusKib(w, "VmRSS").orElse(0)).sum() / 1024.0);
            double sRss = 0, sPss = 0, cRss = 0;
            int s = 0;
            for (ProcessHandle child : ProcessHandle.of(pid).orElseThrow().descendants().toList()) {
                long c = child.pid();
                OptionalLong childRss = statusKib(c, "VmRSS");
                if (childRss.isEmpty()) {
                    continue; // gone meanwhile
                }
                String cmd = cmdline(c);
                if (cmd.contains(watchdogScript)) {
                    continue; // counted above
                }
                if (cmd.contains(".flotilla-shim.pl")) {
                    s++;
                    sRss += childRss.getAsLong() / 1024.0;
                    sPss += pssKib(c).orElse(0) / 1024.0;
                } else {
                    cRss += childRss.getAsLong() / 1024.0;
                }
            }
            shims = s;
            shimRss.add(sRss);
            shimPss.add(sPss);
            commandRss.add(cRss);
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            Thread.sleep(Math.min(SAMPLE_EVERY.toMillis(), Math.max(1, (end - now) / 1_000_000)));
        }
        long ticks1 = cpuTicks(pid);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (ticks1 - ticks0) / (double) CLOCK_TICKS / seconds * 100;
        return new Window(median(rss), median(pss), cpu, rss.size(), median(watchdogRss), shims, median(shimRss),
                median(shimPss),
                median(commandRss));
    }

    /** USER_HZ: 100 on every Linux this runs on (the kernel's ABI fixes it for /proc). */
    private static final int CLOCK_TICKS = 100;

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // after the command name in parentheses: state is field 3, utime 14, stime 15
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static OptionalLong statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return OptionalLong.of(Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException e) {
            // gone
        }
        return OptionalLong.empty();
    }

    private static OptionalLong pssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return OptionalLong.of(Long.parseLong(line.substring(4).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException e) {
            // no smaps_rollup (kernel before 4.14), or gone
        }
        return OptionalLong.empty();
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        return v.length == 0 ? 0 : Stats.of(v).median();
    }

    private static void killTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }


    // ---------------------------------------------------------------- reporting

    static String markdown(List<Result> results, Duration window, Duration settle) {
        StringBuilder md = new StringBuilder();
        int units = results.getFirst().units();
        md.append(String.format(Locale.ROOT, "One `flotilla agent` process on one etcd, started as `bin/flotilla` starts it "
                + "(`%s`) plus the options shown; idle windows of %d s after %d s of settling, sampled every %d s "
                + "(RSS and PSS: median of the samples; CPU: utime + stime over the window, %% of one core). "
                + "Units: %d `/bin/sleep` exec units; their processes are not counted in the agent's figures.%n%n",
                String.join(" ", LAUNCHER_FLAGS), window.toSeconds(), settle.toSeconds(), SAMPLE_EVERY.toSeconds(), units));
        md.append("| JVM options (`FLOTILLA_JAVA_OPTS`) | units | agent RSS | agent PSS | agent CPU | samples | "
                + "fencing watchdog (perl) RSS | units' shims (perl): count, RSS, PSS | units' commands: RSS |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            String opts = r.jvmOptions().isEmpty() ? "(none: the defaults)" : "`" + String.join(" ", r.jvmOptions()) + "`";
            if (r.failure() != null) {
                md.append(String.format(Locale.ROOT, "| %s | — | **failed**: %s | | | | | | |%n", opts,
                        r.failure().replace('|', '/')));
                continue;
            }
            row(md, opts, 0, r.idle());
            row(md, opts, r.units(), r.withUnits());
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String opts, int units, Window w) {
        md.append(String.format(Locale.ROOT,
                "| %s | %d | %.1f MiB | %s | %.2f %% | %d | %.1f MiB | %d, %.1f MiB, %.1f MiB | %.1f MiB |%n",
                opts, units, w.agentRssMiB(), w.agentPssMiB() < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB",
                        w.agentPssMiB()), w.agentCpuPercent(), w.samples(), w.watchdogRssMiB(), w.shims(), w.shimRssMiB(),
                w.shimPssMiB(), w.commandRssMiB()));
    }
}
