package dev.flotilla.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import dev.flotilla.testkit.BusyboxHttpd;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.testkit.HaproxyProcess;
import dev.flotilla.testkit.WorkDirs;

/**
 * The load balancer benchmark ({@code bench/run lb}): the same 4 backends behind each balancer in
 * turn, the same load against each, in one run, so the figures compare the balancers and nothing
 * else. Targets: one backend directly (no hop: the ceiling), HAProxy in http and tcp mode, nginx as
 * an http reverse proxy (upstream keepalive) and as a {@code stream} TCP proxy, and Flotilla's own
 * {@code flotilla lb} in both modes, run from the CLI jar as users run it (a row says "not
 * available" when that jar has no {@code lb} command, rather than failing the rest).
 *
 * <p>Full runs: 4 nginx backends (one worker each, a 612-byte static page, keepalive) and wrk
 * ({@code --latency} and a Lua {@code done()} that prints exact p50/p99), each target run
 * {@code runs} times in interleaved order after a warm-up. The smoke run ({@code --smoke}, bin/test)
 * uses only what bin/test installs: busybox httpd backends and a small Java load loop instead of
 * wrk; nginx rows appear when nginx is installed. Everything listens on 127.0.21.x; every process
 * (backends, proxies, balancers) is stopped at the end; configurations and logs stay in the
 * bench's work directory.
 */
final class LbBenchmark {
    static final String SUBNET = "127.0.21.";
    private static final String HAPROXY_HOST = SUBNET + "10";
    private static final String NGINX_HOST = SUBNET + "11";
    private static final String FLOTILLA_HOST = SUBNET + "12";
    private static final Path WRK = Path.of("/usr/bin/wrk");
    /** The backends' page: the size of nginx's default index.html. */
    static final String PAGE = "<!DOCTYPE html>\n<title>flotilla lb bench</title>\n" + "x".repeat(612 - 48) + "\n";
    private static final Pattern WRK_LINE = Pattern.compile(
            "FLOTILLA-WRK requests=(\\d+) duration_us=(\\d+) connect=(\\d+) read=(\\d+) write=(\\d+) status=(\\d+) "
                    + "timeout=(\\d+) p50_us=(\\d+) p99_us=(\\d+)");
    private static final String WRK_SCRIPT = """
            -- Exact latency quantiles (wrk's own summary rounds them), parsed by LbBenchmark.
            done = function(summary, latency, requests)
              io.write(string.format("FLOTILLA-WRK requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d\\n",
                summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
                summary.errors.write, summary.errors.status, summary.errors.timeout,
                latency:percentile(50), latency:percentile(99)))
            end
            """;

    /** How hard and how long: wrk's {@code -t}/{@code -c}/{@code -d}, and how many runs per target. */
    record Settings(int threads, int connections, Duration duration, int runs, Duration warmUp, boolean smoke) {
        static Settings full(int threads, int connections, Duration duration, int runs) {
            return new Settings(threads, connections, duration, runs, Duration.ofSeconds(2), false);
        }

        static Settings smokeRun() {
            return new Settings(1, 4, Duration.ofSeconds(1), 1, Duration.ZERO, true);
        }
    }

    /** One run of the load against one target. */
    record Sample(double requestsPerSecond, double p50Micros, double p99Micros, long errors) {
    }

    /** A target's runs, or why it could not run. */
    record Row(String target, String mode, List<Sample> samples, String unavailable) {
        double medianRps() {
            return Stats.of(samples.stream().mapToDouble(Sample::requestsPerSecond).toArray()).median();
        }
    }

    record Result(Settings settings, String backends, String load, String machine, String loadBefore,
                  String loadAfter, List<Row> rows) {
    }

    /**
     * A started target: where to send the load (several URLs: the load is split between them and
     * their figures added up), or why it cannot run.
     */
    private record Target(String name, String mode, List<String> urls, String unavailable) {
        static Target at(String name, String mode, String url) {
            return new Target(name, mode, List.of(url), null);
        }

        static Target missing(String name, String mode, String why) {
            return new Target(name, mode, List.of(), why);
        }
    }

    private LbBenchmark() {
    }

    static Result run(Path jar, Settings settings) throws Exception {
        String loadBefore = loadAverage();
        Path work = WorkDirs.create("lb-bench");
        List<AutoCloseable> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
        // nginx and flotilla lb are not the test kit's (whose processes die with the JVM): same for them.
        Thread onExit = new Thread(() -> stopAll(processes), "lb-bench-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            List<String> backends = new ArrayList<>();
            String backendKind;
            if (settings.smoke()) {
                for (int i = 1; i <= 4; i++) {
                    BusyboxHttpd web = BusyboxHttpd.start(SUBNET + i, FreePorts.next(), PAGE);
                    processes.add(web);
                    backends.add(web.hostPort());
                }
                backendKind = "4 busybox httpd (a process per connection, no keepalive), " + PAGE.length() + "-byte page";
            } else {
                String missing = NginxProcess.unavailable(false);
                if (missing != null || !Files.isExecutable(WRK)) {
                    throw new IOException("bench/run lb needs nginx and wrk: install Debian's nginx, libnginx-mod-stream "
                            + "and wrk packages" + (missing != null ? " (" + missing + ")" : ""));
                }
                for (int i = 1; i <= 4; i++) {
                    String hostPort = SUBNET + i + ":" + FreePorts.next();
                    Path www = Files.createDirectories(work.resolve("www"));
                    Files.writeString(www.resolve("index.html"), PAGE);
                    processes.add(NginxProcess.start("backend" + i, 1, """
                            keepalive_requests 1000000;
                            server {
                              listen %s;
                              root %s;
                            }
                            """.formatted(hostPort, www), null, List.of(hostPort)));
                    backends.add(hostPort);
                }
                backendKind = "4 nginx (1 worker each, keepalive), " + PAGE.length() + "-byte static page";
            }
            int cores = Runtime.getRuntime().availableProcessors();
            List<Target> targets = new ArrayList<>();
            targets.add(Target.at("direct to one backend (no balancer)", "http", "http://" + backends.getFirst() + "/"));
            targets.add(new Target("direct to all 4 backends, load split 4 ways (no balancer)", "http",
                    backends.stream().map(b -> "http://" + b + "/").toList(), null));
            int haproxyHttp = FreePorts.next();
            int haproxyTcp = FreePorts.next();
            processes.add(HaproxyProcess.start("nbthread " + cores + "\nmaxconn 4096\n",
                    haproxyConfig(backends, haproxyHttp, haproxyTcp)));
            targets.add(Target.at("HAProxy " + haproxyVersion(), "http", "http://" + HAPROXY_HOST + ":" + haproxyHttp + "/"));
            targets.add(Target.at("HAProxy " + haproxyVersion(), "tcp", "http://" + HAPROXY_HOST + ":" + haproxyTcp + "/"));
            targets.addAll(nginxProxies(backends, cores, processes));
            for (String mode : List.of("http", "tcp")) {
                targets.add(flotilla(jar, mode, backends, work, processes));
            }
            Load load = settings.smoke() ? new JavaLoad() : new WrkLoad(work);
            List<Target> runnable = targets.stream().filter(t -> t.unavailable() == null).toList();
            if (!settings.warmUp().isZero()) {
                for (Target target : runnable) {
                    load.run(target.urls(), settings, settings.warmUp());
                }
            }
            List<List<Sample>> samples = new ArrayList<>();
            runnable.forEach(t -> samples.add(new ArrayList<>()));
            for (int run = 0; run < settings.runs(); run++) {
                for (int i = 0; i < runnable.size(); i++) {
                    int index = (i + run) % runnable.size(); // interleaved: each run starts one target later
                    samples.get(index).add(load.run(runnable.get(index).urls(), settings, settings.duration()));
                }
            }
            List<Row> rows = new ArrayList<>();
            for (Target target : targets) {
                int index = runnable.indexOf(target);
                rows.add(new Row(target.name(), target.mode(), index < 0 ? List.of() : samples.get(index),
                        target.unavailable()));
            }
            return new Result(settings, backendKind, load.describe(settings), machine(), loadBefore, loadAverage(), rows);
        } finally {
            stopAll(processes);
            Runtime.getRuntime().removeShutdownHook(onExit);
        }
    }

    /** Stops the processes, the last started first (balancers before their backends). */
    private static void stopAll(List<AutoCloseable> processes) {
        List<AutoCloseable> reversed = new ArrayList<>(processes).reversed();
        processes.clear();
        for (AutoCloseable process : reversed) {
            try {
                process.close();
            } catch (Exception e) {
                System.err.println("bench lb: stopping a process failed: " + e);
            }
        }
    }

    private static String haproxyConfig(List<String> backends, int httpPort, int tcpPort) {
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < backends.size(); i++) {
            servers.append("  server b").append(i + 1).append(' ').append(backends.get(i)).append('\n');
        }
        return """
                defaults
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                frontend http-in
                  mode http
                  bind %s:%d
                  default_backend http-backends
                backend http-backends
                  mode http
                  balance roundrobin
                %slisten tcp-in
                  mode tcp
                  bind %s:%d
                  balance roundrobin
                %s""".formatted(HAPROXY_HOST, httpPort, servers, HAPROXY_HOST, tcpPort, servers);
    }

    private static List<Target> nginxProxies(List<String> backends, int cores, List<AutoCloseable> processes)
            throws IOException {
        String name = "nginx " + nginxVersion();
        String missing = NginxProcess.unavailable(false);
        if (missing != null) {
            return List.of(Target.missing("nginx", "http", missing), Target.missing("nginx", "tcp", missing));
        }
        boolean stream = NginxProcess.unavailable(true) == null;
        String http = NGINX_HOST + ":" + FreePorts.next();
        String tcp = NGINX_HOST + ":" + FreePorts.next();
        String servers = backends.stream().map(b -> "  server " + b + ";\n").reduce("", String::concat);
        processes.add(NginxProcess.start("proxy", cores, """
                keepalive_requests 1000000;
                upstream backends {
                %s  keepalive 64;
                  keepalive_requests 1000000;
                }
                server {
                  listen %s;
                  location / {
                    proxy_pass http://backends;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                  }
                }
                """.formatted(servers, http), stream ? """
                upstream backends {
                %s}
                server {
                  listen %s;
                  proxy_pass backends;
                }
                """.formatted(servers, tcp) : null, stream ? List.of(http, tcp) : List.of(http)));
        return List.of(Target.at(name, "http", "http://" + http + "/"),
                stream ? Target.at(name, "tcp", "http://" + tcp + "/")
                        : Target.missing(name, "tcp", NginxProcess.unavailable(true)));
    }

    /**
     * {@code flotilla lb --service bench --mode MODE --source static:... --listen ADDR:PORT} from the CLI jar, with
     * bin/flotilla's JVM flags; ready when it prints {@code Listening on http://ADDR:PORT} (any scheme).
     */
    private static Target flotilla(Path jar, String mode, List<String> backends, Path work,
                                   List<AutoCloseable> processes) throws IOException {
        String name = "Flotilla `flotilla lb`";
        if (!Files.isRegularFile(jar)) {
            return Target.missing(name, mode, "no CLI jar at " + jar);
        }
        String listen = FLOTILLA_HOST + ":" + FreePorts.next();
        Path log = work.resolve("flotilla-lb-" + mode + ".out");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FootprintBenchmark.LAUNCHER_FLAGS);
        // Names the work directory on its command line, so bin/test finds it if the bench JVM dies unannounced.
        command.add("-Dflotilla.bench.work=" + work);
        command.addAll(List.of("-jar", jar.toString(), "lb", "--service", "bench", "--mode", mode, "--source",
                "static:" + String.join(",", backends), "--listen", listen));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        processes.add(() -> {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        });
        Pattern listening = Pattern.compile("Listening on \\w+://" + Pattern.quote(listen));
        try {
            Awaitility.await("flotilla lb --mode " + mode + " listening on " + listen)
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> !process.isAlive() || listening.matcher(Files.readString(log)).find());
        } catch (ConditionTimeoutException e) {
            return Target.missing(name, mode, "did not print 'Listening on' within 60 s (see " + log + ")");
        }
        if (!process.isAlive()) {
            String output = Files.readString(log);
            if (output.contains("Unmatched arguments from index 0: 'lb'")) {
                return Target.missing(name, mode, "not available: " + jar.getFileName() + " has no `lb` command yet");
            }
            List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
            String said = lines.isEmpty() ? "no output" : lines.getFirst().strip();
            said = said.length() <= 160 ? said : said.substring(0, 160) + "...";
            return Target.missing(name, mode, "not available: `flotilla lb` exited with status "
                    + process.exitValue() + " (" + said.replace('|', '/') + "; see " + log + ")");
        }
        return Target.at(name, mode, "http://" + listen + "/");
    }

    /** A load generator. */
    private interface Load {
        /**
         * Runs the load against {@code urls} at once, the threads and connections split evenly
         * between them: requests/s and errors add up, p50 and p99 are the highest of the parts'.
         */
        default Sample run(List<String> urls, Settings settings, Duration duration) throws Exception {
            if (urls.size() == 1) {
                return run(urls.getFirst(), settings, duration);
            }
            Settings part = new Settings(Math.max(1, settings.threads() / urls.size()),
                    Math.max(1, settings.connections() / urls.size()), settings.duration(), settings.runs(),
                    settings.warmUp(), settings.smoke());
            List<Future<Sample>> parts = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String url : urls) {
                    parts.add(threads.submit(() -> run(url, part, duration)));
                }
            }
            double rps = 0;
            double p50 = 0;
            double p99 = 0;
            long errors = 0;
            for (Future<Sample> future : parts) {
                Sample sample = future.get();
                rps += sample.requestsPerSecond();
                p50 = Math.max(p50, sample.p50Micros());
                p99 = Math.max(p99, sample.p99Micros());
                errors += sample.errors();
            }
            return new Sample(rps, p50, p99, errors);
        }

        Sample run(String url, Settings settings, Duration duration) throws Exception;

        String describe(Settings settings);
    }

    /** wrk with {@code --latency} and a Lua {@code done()} printing exact quantiles. */
    private static final class WrkLoad implements Load {
        private final Path script;

        WrkLoad(Path work) throws IOException {
            script = work.resolve("quantiles.lua");
            Files.writeString(script, WRK_SCRIPT);
        }

        @Override
        public Sample run(String url, Settings settings, Duration duration) throws Exception {
            List<String> command = List.of(WRK.toString(), "-t" + settings.threads(), "-c" + settings.connections(),
                    "-d" + Math.max(1, duration.toSeconds()) + "s", "--timeout", "10s", "--latency", "-s", script.toString(), url);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Matcher m = WRK_LINE.matcher(output);
            if (!m.find()) {
                throw new IOException("wrk against " + url + " printed no figures (exit " + process.exitValue() + "):\n" + output);
            }
            double seconds = Long.parseLong(m.group(2)) / 1e6;
            long errors = 0;
            for (int g = 3; g <= 7; g++) {
                errors += Long.parseLong(m.group(g));
            }
            return new Sample(Long.parseLong(m.group(1)) / seconds, Long.parseLong(m.group(8)), Long.parseLong(m.group(9)), errors);
        }

        @Override
        public String describe(Settings s) {
            return String.format(Locale.ROOT, "`wrk -t%d -c%d -d%ds --latency` (%s)", s.threads(), s.connections(),
                    s.duration().toSeconds(), wrkVersion());
        }
    }

    /**
     * The smoke run's load: {@code connections} virtual threads, each with its own HTTP/1.1 client
     * (so its own connection), sending GETs back to back for the duration. Not comparable to wrk.
     */
    private static final class JavaLoad implements Load {
        @Override
        public Sample run(String url, Settings settings, Duration duration) throws Exception {
            URI uri = URI.create(url);
            long end = System.nanoTime() + duration.toNanos();
            AtomicLong errors = new AtomicLong();
            List<Future<long[]>> workers = new ArrayList<>();
            long start = System.nanoTime();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < settings.connections(); c++) {
                    workers.add(threads.submit(() -> {
                        long[] latencies = new long[1024];
                        int n = 0;
                        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                .connectTimeout(Duration.ofSeconds(5)).build()) {
                            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
                            do { // at least one request per connection, however late the thread starts
                                long sent = System.nanoTime();
                                try {
                                    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                                    if (response.statusCode() != 200) {
                                        errors.incrementAndGet();
                                    }
                                } catch (IOException e) {
                                    errors.incrementAndGet();
                                }
                                if (n == latencies.length) {
                                    latencies = Arrays.copyOf(latencies, n * 2);
                                }
                                latencies[n++] = (System.nanoTime() - sent) / 1_000;
                            } while (System.nanoTime() < end);
                        }
                        return Arrays.copyOf(latencies, n);
                    }));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] all = workers.stream().map(LbBenchmark::join).flatMapToLong(Arrays::stream)
                    .mapToDouble(v -> v).toArray();
            if (all.length == 0) {
                throw new IOException("no request completed against " + url + " in " + duration);
            }
            return new Sample(all.length / seconds, Stats.quantile(all, 0.50), Stats.quantile(all, 0.99), errors.get());
        }

        @Override
        public String describe(Settings s) {
            return String.format(Locale.ROOT, "a Java load loop (%d connections, %d s; smoke only, not comparable to wrk)",
                    s.connections(), s.duration().toSeconds());
        }
    }

    private static long[] join(Future<long[]> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException("a load worker failed", e);
        }
    }

    /**
     * The page section: a one-line result (flotilla lb as a ratio to HAProxy in the same run), the
     * table, and two charts: requests/s per balancer and mode with their spread, and p50/p99 latency.
     */
    static Section section(Result r) {
        StringBuilder result = new StringBuilder();
        for (Row row : r.rows()) {
            if (row.target().startsWith("Flotilla") && row.unavailable() == null) {
                r.rows().stream().filter(h -> h.target().startsWith("HAProxy") && h.mode().equals(row.mode())
                                && h.unavailable() == null).findFirst()
                        .ifPresent(h -> result.append(result.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT,
                                "%s %.2f× HAProxy's requests/s", row.mode(), row.medianRps() / h.medianRps())));
            }
        }
        String md = (result.isEmpty() ? "" : "Result: flotilla lb " + result + " (median of runs, same run).\n\n")
                + markdown(r);
        List<Chart.Bar> rps = new ArrayList<>();
        List<Chart.Bar> latency = new ArrayList<>();
        for (Row row : r.rows()) {
            if (row.unavailable() != null) {
                continue;
            }
            String target = row.target().replaceAll(" \\(.*\\)$", "");
            rps.add(Chart.Bar.of(target, row.mode(), Stats.of(row.samples().stream()
                    .mapToDouble(Sample::requestsPerSecond).toArray())));
            latency.add(Chart.Bar.of(target + ", " + row.mode(), "p50", Stats.of(row.samples().stream()
                    .mapToDouble(s -> s.p50Micros() / 1000).toArray())));
            latency.add(Chart.Bar.of(target + ", " + row.mode(), "p99", Stats.of(row.samples().stream()
                    .mapToDouble(s -> s.p99Micros() / 1000).toArray())));
        }
        return new Section("lb", "Load balancer: requests through HAProxy, nginx and flotilla lb", md, List.of(
                Chart.bars("requests", "Requests per second through each balancer (median, whiskers cover min..max)",
                        "target", "requests/s", rps),
                Chart.bars("latency", "Latency through each balancer (median of runs, whiskers cover min..max)",
                        "target, mode", "ms", latency)));
    }

    static String markdown(Result r) {
        StringBuilder md = new StringBuilder();
        Settings s = r.settings();
        md.append(String.format(Locale.ROOT, "Backends: %s on %s1-4. Load: %s, %d run%s per target in interleaved order%s. "
                        + "Machine: %s. Load average before: %s, after: %s.%n%n",
                r.backends(), SUBNET, r.load(), s.runs(), s.runs() == 1 ? "" : "s",
                s.warmUp().isZero() ? "" : ", after a " + s.warmUp().toSeconds() + " s warm-up of each",
                r.machine(), r.loadBefore(), r.loadAfter()));
        md.append("| target | mode | requests/s (median, min–max) | p50 | p99 | req/s vs HAProxy, same mode | errors |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Row row : r.rows()) {
            if (row.unavailable() != null) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | | | | |%n", row.target(), row.mode(),
                        row.unavailable().startsWith("not available") ? row.unavailable() : "not available: " + row.unavailable()));
                continue;
            }
            Stats rps = Stats.of(row.samples().stream().mapToDouble(Sample::requestsPerSecond).toArray());
            Stats p50 = Stats.of(row.samples().stream().mapToDouble(Sample::p50Micros).toArray());
            Stats p99 = Stats.of(row.samples().stream().mapToDouble(Sample::p99Micros).toArray());
            long errors = row.samples().stream().mapToLong(Sample::errors).sum();
            String ratio = r.rows().stream()
                    .filter(o -> o.target().startsWith("HAProxy") && o.mode().equals(row.mode()) && o.unavailable() == null)
                    .findFirst().map(h -> String.format(Locale.ROOT, "%.2f×", rps.median() / h.medianRps())).orElse("—");
            md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f (%,.0f–%,.0f) | %s | %s | %s | %,d |%n",
                    row.target(), row.mode(), rps.median(), rps.min(), rps.max(), millis(p50.median()),
                    millis(p99.median()), ratio, errors));
        }
        md.append("\np50 and p99: the median over the runs of each run's quantile. \"Load split 4 ways\": one load "
                + "generator per backend, each with a quarter of the connections (and threads, at least one), run at once; "
                + "their requests/s added up, their p50 and p99 the highest of the four.\n");
        return md.toString();
    }

    private static String millis(double micros) {
        return String.format(Locale.ROOT, micros < 10_000 ? "%.2f ms" : "%.0f ms", micros / 1000);
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return fields[0] + " / " + fields[1] + " / " + fields[2] + " (1/5/15 min)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String machine() {
        long memKiB = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKiB = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // leave it 0: the figure is informative only
        }
        return String.format(Locale.ROOT, "%d cores, %.0f GiB, Linux %s, JDK %s", Runtime.getRuntime().availableProcessors(),
                memKiB / 1048576.0, System.getProperty("os.version"), Runtime.version());
    }

    private static String haproxyVersion() {
        return firstLine(List.of(HaproxyProcess.binary().toString(), "-v")).replaceAll("^HAProxy version (\\S+).*", "$1");
    }

    private static String nginxVersion() {
        return firstLine(List.of(NginxProcess.BINARY.toString(), "-v")).replaceAll("^nginx version: nginx/(\\S+).*", "$1");
    }

    private static String wrkVersion() {
        return firstLine(List.of(WRK.toString(), "-v")).replaceAll("^(wrk \\S+).*", "$1");
    }

    private static String firstLine(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).strip();
            process.waitFor(10, TimeUnit.SECONDS);
            return output.lines().findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
