package dev.flotilla.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.Styler.LegendPosition;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Writes docs/benchmarks.md. Every benchmark run is stored as {@code benchmarks/results/<name>.json}
 * (its {@link Section} plus when, where and on what it ran) and its charts drawn to
 * {@code benchmarks/<name>-<chart id>.png}; the page is then rebuilt from <em>all</em> stored results,
 * so running one benchmark keeps the others' figures. Hand-written analysis lives in
 * {@code benchmarks/notes/<name>.md} (and {@code notes/intro.md}) and is copied in verbatim: the
 * generated page is never edited by hand.
 *
 * <p>The summary table takes each benchmark's goal from {@link #GOALS} and its verdict from the
 * first line of the section's Markdown that starts with {@code Result: } (for example
 * {@code Result: p99 180 ms, goal met.}); a section without one says "see below".
 */
public final class BenchPage {

    /** The page's order of benchmarks; also every name {@code bench/run} may know. */
    static final List<String> ORDER = List.of("store", "launch", "failover", "failover-kill9", "footprint", "lb",
            "scale", "store-cost", "cli");

    /** Each benchmark's goal (issue 8), as the summary table states it. */
    static final Map<String, String> GOALS = goals();

    private static final String RESULT_PREFIX = "Result: ";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** When, where and on what one benchmark ran. */
    public record Run(String date, String commit, Machine machine, String loadBefore, String loadAfter) {
    }

    /** The machine a benchmark ran on. */
    public record Machine(String cpu, int cores, String memory, String kernel, String jdk, String etcd) {

        /** This machine, read from /proc, the JVM and {@code etcd --version}. */
        static Machine current() {
            return new Machine(readCpuModel(), Runtime.getRuntime().availableProcessors(), readMemory(),
                    "Linux " + System.getProperty("os.version"), Runtime.version().toString(), readEtcdVersion());
        }

        String describe() {
            return String.format(Locale.ROOT, "%s, %d cores, %s, %s, JDK %s, etcd %s", cpu, cores, memory, kernel,
                    jdk, etcd);
        }
    }

    /** What {@code results/<name>.json} holds. */
    public record Stored(Section section, Run run) {
    }

    private final Path docs;

    /**
     * @param docs the directory holding {@code benchmarks.md} and {@code benchmarks/} ({@code docs}
     *     of the repository; another directory for {@code --out})
     */
    public BenchPage(Path docs) {
        this.docs = docs;
    }

    /** The page itself. */
    public Path page() {
        return docs.resolve("benchmarks.md");
    }

    /** {@code /proc/loadavg}'s three averages, to record before and after a benchmark. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return fields[0] + " / " + fields[1] + " / " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Stores one finished benchmark: its JSON result and its charts' PNGs (replacing its previous
     * ones). Call {@link #write()} afterwards to rebuild the page.
     *
     * @param started when the benchmark started
     * @param loadBefore {@link #loadAverage()} just before it ran
     */
    public Stored store(Section section, Instant started, String loadBefore) throws IOException {
        if (!ORDER.contains(section.name())) {
            throw new IllegalArgumentException("section '" + section.name() + "' is not a benchmark; known: "
                    + String.join(", ", ORDER));
        }
        Run run = new Run(started.truncatedTo(ChronoUnit.SECONDS).toString(), gitCommit(), Machine.current(),
                loadBefore, loadAverage());
        Stored stored = new Stored(section, run);
        Path results = Files.createDirectories(docs.resolve("benchmarks/results"));
        Path charts = docs.resolve("benchmarks");
        try (Stream<Path> old = Files.list(charts)) {
            for (Path png : old.filter(p -> isChartOf(p, section.name())).toList()) {
                Files.delete(png);
            }
        }
        for (dev.flotilla.bench.Chart chart : section.charts()) {
            Files.write(charts.resolve(chartFile(section, chart)), png(chart));
        }
        JSON.writeValue(results.resolve(section.name() + ".json").toFile(), stored);
        return stored;
    }

    /** Rebuilds the page from every stored result and the notes. */
    public void write() throws IOException {
        Map<String, Stored> stored = new LinkedHashMap<>();
        for (String name : ORDER) {
            Path file = docs.resolve("benchmarks/results/" + name + ".json");
            if (Files.exists(file)) {
                try {
                    stored.put(name, JSON.readValue(file.toFile(), Stored.class));
                } catch (IOException e) {
                    throw new IOException("cannot read the stored result " + file + ": " + e.getMessage(), e);
                }
            }
        }
        Files.writeString(page(), render(stored), UTF_8);
    }

    private String render(Map<String, Stored> stored) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n")
                .append("<!-- Generated by bench/run (BenchPage) from docs/benchmarks/results/*.json and "
                        + "docs/benchmarks/notes/*.md: edit those, not this page. -->\n\n")
                .append("""
                        Figures measured with `bench/run`. **Method**: each benchmark repeats its measurement and \
                        quotes the median with the spread (min–max) over the runs; where a peer exists (etcd for \
                        the stores, HAProxy for the load balancer) it is measured in the same run and the figure is \
                        given as a ratio to it, because the machine is a shared, noisy 2-core VM (other builds push \
                        the load average to 5–30). The load average before and after each benchmark is recorded \
                        with it. Figures are never asserted in tests; `bin/test` runs a seconds-long smoke run of \
                        each benchmark only so that it cannot rot.

                        **How to run**: `bench/run [NAME...]` (no name: all of them, in the order below) runs the \
                        named benchmarks, stores each as `docs/benchmarks/results/<name>.json`, draws its charts to \
                        `docs/benchmarks/<name>-<chart>.png` and rewrites this page from all stored results, so \
                        running one benchmark keeps the others' figures. `bench/run NAME --smoke` is a seconds-long \
                        run that leaves docs/ alone (`--out DIR` writes its page there). `bench/run --help` lists the \
                        options. The analysis (profiles, before/after) is hand-written in \
                        `docs/benchmarks/notes/<name>.md` and copied in below each benchmark's figures.

                        """);
        Set<String> machines = new LinkedHashSet<>();
        stored.values().forEach(s -> machines.add(s.run().machine().describe()));
        md.append("**The machine**").append(machines.size() == 1 ? ": " : "s: ")
                .append(machines.isEmpty() ? "(nothing measured yet)" : String.join("; ", machines)).append(".\n\n");
        notes("intro").ifPresent(n -> md.append(n.strip()).append("\n\n"));

        md.append("## Summary\n\n| benchmark | goal | result | ran |\n|---|---|---|---|\n");
        for (String name : ORDER) {
            Stored s = stored.get(name);
            String goal = GOALS.getOrDefault(name, "");
            if (s == null) {
                md.append("| ").append(name).append(" | ").append(goal).append(" | not run yet | |\n");
                continue;
            }
            String result = s.section().markdown().lines().filter(l -> l.startsWith(RESULT_PREFIX)).findFirst()
                    .map(l -> l.substring(RESULT_PREFIX.length()).strip()).orElse("see below");
            md.append("| [").append(name).append("](#").append(anchor(s.section().title())).append(") | ")
                    .append(goal).append(" | ").append(result.replace("|", "\\|")).append(" | ")
                    .append(s.run().date(), 0, 10).append(" |\n");
        }
        md.append('\n');

        for (String name : ORDER) {
            Stored s = stored.get(name);
            if (s == null) {
                // Not run since the page became generated: its hand-written analysis still belongs here.
                Optional<String> notes = notes(name);
                if (notes.isPresent()) {
                    md.append("## ").append(name).append("\n\n*No stored result yet: `bench/run ").append(name)
                            .append("` adds its figures and charts here.*\n\n").append(notes.get().strip()).append("\n\n");
                }
                continue;
            }
            Section section = s.section();
            Run run = s.run();
            md.append("## ").append(section.title()).append("\n\n")
                    .append(String.format(Locale.ROOT, "*Ran %s at commit %s (`bench/run %s`). Load average (1/5/15 min) "
                                    + "before: %s, after: %s.*%n%n",
                            run.date(), run.commit(), section.name(), run.loadBefore(), run.loadAfter()))
                    .append(section.markdown().strip()).append("\n\n");
            for (dev.flotilla.bench.Chart chart : section.charts()) {
                md.append("![").append(chart.title()).append("](benchmarks/").append(chartFile(section, chart))
                        .append(")\n\n");
            }
            notes(section.name()).ifPresent(n -> md.append(n.strip()).append("\n\n"));
        }
        return md.toString().stripTrailing() + "\n";
    }

    private Optional<String> notes(String name) throws IOException {
        Path file = docs.resolve("benchmarks/notes/" + name + ".md");
        return Files.exists(file) ? Optional.of(Files.readString(file, UTF_8)) : Optional.empty();
    }

    static String chartFile(Section section, dev.flotilla.bench.Chart chart) {
        return section.name() + "-" + chart.id() + ".png";
    }

    /** A chart PNG of {@code name}: {@code <name>-<id>.png}, where the id does not start another name's stem. */
    private static boolean isChartOf(Path file, String name) {
        String fileName = file.getFileName().toString();
        if (!fileName.startsWith(name + "-") || !fileName.endsWith(".png")) {
            return false;
        }
        // failover-kill9-x.png starts with "failover-" too: it is failover-kill9's, not failover's.
        return ORDER.stream().filter(other -> other.length() > name.length() && other.startsWith(name + "-"))
                .noneMatch(other -> fileName.startsWith(other + "-"));
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
    static String anchor(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    /** The chart drawn with XChart, as PNG bytes. */
    static byte[] png(dev.flotilla.bench.Chart chart) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Chart<?, ?> drawn = chart.bars().isEmpty() ? lineChart(chart) : barChart(chart);
        return BitmapEncoder.getBitmapBytes(drawn, BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Bars grouped by {@link dev.flotilla.bench.Chart.Bar#group}, one colour per series. XChart's
     * error bars are symmetric: each reaches the farther of min and max, so it covers min..max.
     */
    private static CategoryChart barChart(dev.flotilla.bench.Chart chart) {
        CategoryChart drawn = new CategoryChartBuilder().width(900).height(500).title(chart.title())
                .xAxisTitle(chart.xLabel()).yAxisTitle(chart.yLabel()).build();
        style(drawn.getStyler());
        drawn.getStyler().setErrorBarsColor(Color.DARK_GRAY);
        drawn.getStyler().setXAxisLabelRotation(chart.bars().size() > 8 ? 20 : 0);
        List<String> groups = chart.bars().stream().map(dev.flotilla.bench.Chart.Bar::group).distinct().toList();
        List<String> series = chart.bars().stream().map(dev.flotilla.bench.Chart.Bar::series).distinct().toList();
        for (String name : series) {
            List<Double> medians = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            for (String group : groups) {
                var bar = chart.bars().stream().filter(b -> b.group().equals(group) && b.series().equals(name))
                        .findFirst();
                medians.add(bar.map(dev.flotilla.bench.Chart.Bar::median).orElse(0.0));
                errors.add(bar.map(b -> Math.max(b.max() - b.median(), b.median() - b.min())).orElse(0.0));
            }
            drawn.addSeries(name, groups, medians, errors);
        }
        drawn.getStyler().setLegendVisible(series.size() > 1);
        if (chart.bars().stream().allMatch(b -> b.min() >= 0)) {
            drawn.getStyler().setYAxisMin(0.0); // a whisker reaching below zero is the symmetric drawing, not a run
        }
        return drawn;
    }

    private static XYChart lineChart(dev.flotilla.bench.Chart chart) {
        XYChart drawn = new XYChartBuilder().width(900).height(500).title(chart.title()).xAxisTitle(chart.xLabel())
                .yAxisTitle(chart.yLabel()).build();
        style(drawn.getStyler());
        for (dev.flotilla.bench.Chart.Line line : chart.lines()) {
            drawn.addSeries(line.series(), line.x(), line.y());
        }
        drawn.getStyler().setLegendVisible(chart.lines().size() > 1);
        return drawn;
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendPosition(LegendPosition.OutsideS);
        styler.setAntiAlias(true);
    }

    private static String gitCommit() {
        String commit = command("git", "rev-parse", "--short", "HEAD");
        if (commit.isEmpty()) {
            return "unknown";
        }
        return command("git", "status", "--porcelain", "--untracked-files=no").isEmpty() ? commit
                : commit + " (with uncommitted changes)";
    }

    private static String readCpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String readMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return String.format(Locale.ROOT, "%.1f GiB RAM", Long.parseLong(line.replaceAll("\\D", "")) / 1048576.0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "unknown RAM";
    }

    private static String readEtcdVersion() {
        String out = command("etcd", "--version");
        return out.lines().filter(l -> l.startsWith("etcd Version:")).findFirst()
                .map(l -> l.substring("etcd Version:".length()).strip()).orElse("not installed");
    }

    /** A command's output, stripped; empty when it cannot run or fails. */
    private static String command(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return "";
            }
            return output;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static Map<String, String> goals() {
        Map<String, String> goals = new LinkedHashMap<>();
        goals.put("store", "none of its own: the embedded store against etcd, as ratios (the engine's budget)");
        goals.put("launch", "`start` → active p99 under 250 ms (Kubernetes' pod-startup SLO: p99 5 s)");
        goals.put("failover", "machine lost → its units active elsewhere, p99 under 5 s (fleet 15–32 s, Nomad ~20 s)");
        goals.put("failover-kill9", "kill -9 of an agent → its units active elsewhere, p99 under 5 s (fleet 15–32 s, "
                + "Nomad ~20 s, Swarm ~15 s)");
        goals.put("footprint", "idle agent RSS ≤ 64 MiB (fleet's agent ~19 MiB, k3s agent ~275 MB)");
        goals.put("lb", "requests/s close to HAProxy's, as a ratio measured in the same run");
        goals.put("scale", "≥ 10,000 placements/s; 100,000 units on 1,000 hollow machines converged on etcd in < 60 s");
        goals.put("store-cost", "an idle cluster writes lease keep-alives only; few store requests per unit start");
        goals.put("cli", "`flotilla list-units` with 100 units: p50 under 300 ms");
        return Map.copyOf(goals);
    }
}
