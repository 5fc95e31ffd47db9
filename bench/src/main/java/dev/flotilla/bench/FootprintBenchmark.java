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
 * Memory and CPU of idle {@code flotilla agent} processes on a real etcd, before and after issue 8's footprint work
 * (item 5), in one run: first with no unit, then with {@code units} {@code /bin/sleep} exec units running. Each
 * setup is a fresh etcd and its agents:
 * <ul>
 * <li><i>before</i>: the agent as bin/flotilla started it until then ({@code java --enable-native-access=ALL-UNNAMED
 *     --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC -jar flotilla.jar agent ...});
 * <li><i>bin/flotilla agent, no AOT cache</i>: the script as it is now, with {@code FLOTILLA_AOT=0}: its agent flags alone;
 * <li><i>bin/flotilla agent</i>: the same with its AOT cache (made first, the way the script makes it: one recording
 *     run, one start that makes the cache);
 * <li>the same with {@link #SHARED_AGENTS} agents on the host, the units spread over them: the cache's pages are
 *     shared, which PSS shows;
 * <li>any {@code --jvm-opts} given: bin/flotilla agent with them in {@code FLOTILLA_JAVA_OPTS}.
 * </ul>
 *
 * <p>Measured from {@code /proc}: each agent JVM's RSS ({@code VmRSS} of {@code status}) and PSS
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
    /** Issue 8's goal for an agent's RSS. */
    static final double GOAL_MIB = 64;
    /** How many agents share a host in the last built-in setup. */
    static final int SHARED_AGENTS = 3;
    /** The flags bin/flotilla passed to every command before this work, the agent included. */
    static final List<String> LAUNCHER_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC");

    /**
     * How agents are started.
     *
     * @param label the table's first column
     * @param bar the chart's name for it
     * @param script bin/flotilla (true) or the old {@code java -jar} line (false)
     * @param aot whether bin/flotilla may use its AOT cache (made before measuring)
     * @param javaOpts FLOTILLA_JAVA_OPTS
     * @param agents how many agents on the host
     */
    record Setup(String label, String bar, boolean script, boolean aot, List<String> javaOpts, int agents) {
    }

    /** The built-in setups, then bin/flotilla agent with each of {@code extraJavaOpts}. */
    static List<Setup> setups(List<List<String>> extraJavaOpts) {
        List<Setup> setups = new ArrayList<>(List.of(
                new Setup("before: `java -XX:+UseSerialGC -jar flotilla.jar agent`", "before", false, false, List.of(), 1),
                new Setup("`bin/flotilla agent`, no AOT cache (`FLOTILLA_AOT=0`)", "flags", true, false, List.of(), 1),
                new Setup("`bin/flotilla agent` with its AOT cache", "flags + AOT", true, true, List.of(), 1),
                new Setup("`bin/flotilla agent` with its AOT cache, " + SHARED_AGENTS + " agents on the host",
                        "flags + AOT, " + SHARED_AGENTS + " agents", true, true,
                        List.of(), SHARED_AGENTS)));
        for (List<String> opts : extraJavaOpts) {
            setups.add(new Setup("`bin/flotilla agent`, `FLOTILLA_JAVA_OPTS=\"" + String.join(" ", opts) + "\"`",
                    String.join(" ", opts), true, true, opts, 1));
        }
        return setups;
    }

    /** One idle window: medians of the samples (over the agents: the median agent's), CPU over the window. */
    record Window(Stats agentRssMiB, Stats agentPssMiB, double agentCpuPercent, int samples,
                  double watchdogRssMiB, int shims, double shimRssMiB, double shimPssMiB, double commandRssMiB) {
    }

    /** {@code failure} when the setup did not get through (then the windows are null). */
    record Result(Setup setup, int units, Window idle, Window withUnits, String failure) {
    }

    private FootprintBenchmark() {
    }

    /** Runs the built-in setups and those of {@code extraJavaOpts}; returns the page section. */
    static Section section(Path jar, List<List<String>> extraJavaOpts, int units, Duration window, Duration settle,
            boolean smoke) throws Exception {
        List<Setup> setups = setups(extraJavaOpts);
        if (smoke) {
            setups = List.of(setups.get(0), setups.get(2));
        }
        return section(run(jar, setups, units, window, settle), window, settle);
    }

    /**
     * Measures each setup in turn.
     *
     * @param window how long each idle window lasts
     * @param settle how long to wait before a window (the JIT and the start-up's garbage settle)
     */
    static List<Result> run(Path jar, List<Setup> setups, int units, Duration window, Duration settle)
            throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no CLI jar at " + jar + ": build it first (./mvnw -pl flotilla-cli -am package)");
        }
        if (setups.stream().anyMatch(Setup::aot)) {
            makeAgentCache(jar);
        }
        List<Result> results = new ArrayList<>();
        for (Setup setup : setups) {
            try {
                results.add(measure(jar, setup, units, window, settle));
            } catch (Exception e) { // a configuration too small for the agent is a finding, not the end of the run
                List<String> lines = String.valueOf(e.getMessage()).lines().filter(l -> !l.isBlank()).toList();
                String why = lines.isEmpty() ? e.toString()
                        : lines.size() == 1 ? lines.getFirst() : lines.getFirst() + " " + lines.getLast();
                results.add(new Result(setup, units, null, null, why));
            }
        }
        return results;
    }

    /**
     * Makes bin/flotilla's agent AOT cache the way a user gets it: an agent started with none records what it
     * loads and writes it when stopped; the next start makes the cache from that in the background.
     */
    private static void makeAgentCache(Path jar) throws Exception {
        Path aot = jar.toAbsolutePath().getParent().resolve("aot");
        if (hasFile(aot, "agent-.*\\.aot", jar)) {
            return;
        }
        Setup recording = new Setup("recording", "recording", true, true, List.of(), 1);
        for (int start = 0; start < 2 && !hasFile(aot, "agent-.*\\.aot", jar); start++) {
            Path work = WorkDirs.create("footprint-aot");
            try (EtcdServer etcd = EtcdServer.startNew()) {
                Process agent = startAgent(jar, recording, etcd, 0, work);
                try {
                    Waits.awaitAgentLines(TIMEOUT, "the agent to serve its API", agent, work.resolve("agent-0.out"));
                    if (start == 1) {
                        Waits.await(TIMEOUT, "bin/flotilla's agent AOT cache in " + aot, Duration.ofMillis(500),
                                () -> hasFile(aot, "agent-.*\\.aot", jar));
                    }
                } finally {
                    stop(agent, new ArrayList<>());
                }
            }
        }
    }

    private static boolean hasFile(Path dir, String regex, Path jar) throws IOException {
        return AotFiles.newerThanJars(dir, regex, jar);
    }

    private static Process startAgent(Path jar, Setup setup, EtcdServer etcd, int index, Path work) throws IOException {
        Path dir = work.resolve("agent-" + index);
        Files.createDirectories(dir);
        Path log = work.resolve("agent-" + index + ".out");
        String ip = "127.0.0." + (2 + index);
        List<String> command = new ArrayList<>();
        if (setup.script()) {
            command.add(jar.toAbsolutePath().getParent().getParent().getParent().resolve("bin/flotilla").toString());
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(LAUNCHER_FLAGS);
            command.addAll(List.of("-jar", jar.toString()));
        }
        command.addAll(List.of("agent", "--etcd", etcd.endpoint(), "--ip", ip, "--api", ip + ":0", "--data-dir",
                dir.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("FLOTILLA_JAVA_OPTS");
        pb.environment().remove("MALLOC_ARENA_MAX");
        if (!setup.javaOpts().isEmpty()) {
            pb.environment().put("FLOTILLA_JAVA_OPTS", String.join(" ", setup.javaOpts()));
        }
        if (!setup.aot()) {
            pb.environment().put("FLOTILLA_AOT", "0");
        }
        return pb.start();
    }

    private static void stop(Process process, List<ProcessHandle> children) throws InterruptedException {
        process.descendants().forEach(children::add);
        process.destroy(); // SIGTERM
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            killTree(process.toHandle());
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static Result measure(Path jar, Setup setup, int units, Duration window, Duration settle)
            throws Exception {
        Path work = WorkDirs.create("footprint");
        try (EtcdServer etcd = EtcdServer.startNew()) {
            List<Process> agents = new ArrayList<>();
            List<Path> dataDirs = new ArrayList<>();
            Thread onExit = new Thread(() -> agents.forEach(a -> killTree(a.toHandle())), "footprint-exit");
            Runtime.getRuntime().addShutdownHook(onExit);
            List<ProcessHandle> children = new ArrayList<>();
            try {
                Waits.AgentLines lines = null;
                for (int i = 0; i < setup.agents(); i++) {
                    Process agent = startAgent(jar, setup, etcd, i, work);
                    agents.add(agent);
                    dataDirs.add(work.resolve("agent-" + i));
                    Waits.AgentLines these = Waits.awaitAgentLines(TIMEOUT, "the agent to serve its API", agent,
                            work.resolve("agent-" + i + ".out"));
                    lines = lines == null ? these : lines;
                }
                try (FleetClient api = new FleetClient(lines.api(), Duration.ofSeconds(30))) {
                    Waits.await(TIMEOUT, "the machines to join", Duration.ofMillis(20),
                            () -> api.machines().size() == setup.agents());
                    Thread.sleep(settle);
                    Window idle = window(agents, dataDirs, window);
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
                    Window withUnits = window(agents, dataDirs, window);
                    agents.forEach(a -> a.descendants().forEach(children::add));
                    for (String name : names) {
                        api.destroyUnit(name);
                    }
                    Waits.await(TIMEOUT, "destroyed units to stop", Duration.ofMillis(50), () -> api.states(null, null).isEmpty());
                    return new Result(setup, units, idle, withUnits, null);
                }
            } finally {
                for (Process agent : agents) {
                    stop(agent, children);
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(onExit);
                } catch (IllegalStateException e) {
                    // exiting: the hook runs
                }
            }
        }
    }

    /** Each agent's window; the figures of the agent with the median RSS, units' processes summed over all. */
    private static Window window(List<Process> agents, List<Path> dataDirs, Duration length) throws Exception {
        List<java.util.concurrent.Future<Window>> each = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < agents.size(); i++) {
                long pid = agents.get(i).pid();
                Path dir = dataDirs.get(i);
                each.add(pool.submit(() -> window(pid, dir, length)));
            }
        }
        List<Window> windows = new ArrayList<>();
        for (var w : each) {
            windows.add(w.get());
        }
        List<Window> byRss = new ArrayList<>(windows);
        byRss.sort(java.util.Comparator.comparingDouble(w -> w.agentRssMiB().median()));
        Window median = byRss.get(byRss.size() / 2);
        return new Window(median.agentRssMiB(), median.agentPssMiB(), median.agentCpuPercent(), median.samples(),
                windows.stream().mapToDouble(Window::watchdogRssMiB).sum(), windows.stream().mapToInt(Window::shims).sum(),
                windows.stream().mapToDouble(Window::shimRssMiB).sum(), windows.stream().mapToDouble(Window::shimPssMiB).sum(),
                windows.stream().mapToDouble(Window::commandRssMiB).sum());
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
        return new Window(stats(rss), stats(pss), cpu, rss.size(), median(watchdogRss), shims, median(shimRss),
                median(shimPss), median(commandRss));
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

    private static Stats stats(List<Double> values) {
        return Stats.of(values.stream().mapToDouble(Double::doubleValue).toArray());
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

    static Section section(List<Result> results, Duration window, Duration settle) {
        StringBuilder md = new StringBuilder();
        int units = results.getFirst().units();
        md.append(String.format(Locale.ROOT, "Agent processes on one etcd (fresh for each setup); idle windows of %d s "
                + "after %d s of settling, sampled every %d s (RSS and PSS: median of the samples, min–max; with several "
                + "agents, the agent with the median RSS; CPU: utime + stime over the window, %% of one core). Units: "
                + "%d `/bin/sleep` exec units; their processes are not counted in the agents' figures.%n%n",
                window.toSeconds(), settle.toSeconds(), SAMPLE_EVERY.toSeconds(), units));
        md.append("| setup | units | agent RSS | agent PSS | agent CPU | samples | "
                + "fencing watchdogs (perl) RSS | units' shims (perl): count, RSS, PSS | units' commands: RSS |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        List<Chart.Bar> bars = new ArrayList<>();
        for (Result r : results) {
            if (r.failure() != null) {
                md.append(String.format(Locale.ROOT, "| %s | — | **failed**: %s | | | | | | |%n", r.setup().label(),
                        r.failure().replace('|', '/')));
                continue;
            }
            row(md, r.setup().label(), 0, r.idle());
            row(md, r.setup().label(), r.units(), r.withUnits());
            String group = r.setup().bar();
            bars.add(Chart.Bar.of(group, "RSS idle", r.idle().agentRssMiB()));
            bars.add(Chart.Bar.of(group, "PSS idle", r.idle().agentPssMiB()));
            bars.add(Chart.Bar.of(group, "RSS, " + r.units() + " units", r.withUnits().agentRssMiB()));
            bars.add(Chart.Bar.of(group, "PSS, " + r.units() + " units", r.withUnits().agentPssMiB()));
        }
        results.stream().filter(r -> r.failure() == null && r.setup().script() && r.setup().javaOpts().isEmpty()
                && r.setup().agents() == 1).reduce((a, b) -> b).ifPresent(r -> md.append(String.format(Locale.ROOT,
                "%nResult: an idle agent (%s) %.1f MiB RSS, goal (at most %.0f MiB) %s.%n", r.setup().label(),
                r.idle().agentRssMiB().median(), GOAL_MIB, r.idle().agentRssMiB().median() <= GOAL_MIB ? "met"
                        : "missed")));
        List<Chart> charts = bars.isEmpty() ? List.of() : List.of(Chart.bars("memory",
                "Agent memory per setup (median, min–max of the samples)", "setup", "MiB", bars));
        return new Section("footprint", "Agent footprint: memory and CPU of an idle agent", md.toString(), charts);
    }

    private static void row(StringBuilder md, String setup, int units, Window w) {
        md.append(String.format(Locale.ROOT,
                "| %s | %d | %.1f MiB (%.1f–%.1f) | %s | %.2f %% | %d | %.1f MiB | %d, %.1f MiB, %.1f MiB | %.1f MiB |%n",
                setup, units, w.agentRssMiB().median(), w.agentRssMiB().min(), w.agentRssMiB().max(),
                w.agentPssMiB().median() < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB (%.1f–%.1f)",
                        w.agentPssMiB().median(), w.agentPssMiB().min(), w.agentPssMiB().max()),
                w.agentCpuPercent(), w.samples(), w.watchdogRssMiB(), w.shims(), w.shimRssMiB(), w.shimPssMiB(),
                w.commandRssMiB()));
    }
}
