package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.testkit.FreePorts;
import dev.flotilla.testkit.WorkDirs;

/**
 * {@code flotilla lb} as a user runs it (the packaged jar, a separate process) in front of busybox httpd backends:
 * the ready line, proxying, the admin page, following the tutorial's keys through a dev cluster's API, the registry
 * as the default source, and the one-line errors of bad flags, a taken port, an unreachable agent or etcd.
 */
class LbCommandIT {

    private static final Pattern LISTENING = Pattern.compile("(?m)^Listening on http://(\\S+) \\(http mode, (\\d+) backends\\)$");
    private static final Pattern API_LINE = Pattern.compile("(?m)^API: (https?://\\S+)$");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Process backend;
    private Process backend2;
    private CliProcess.Running lb;
    private CliProcess.Running dev;

    @AfterEach
    void stop() throws InterruptedException {
        for (CliProcess.Running p : new CliProcess.Running[] {lb, dev}) {
            if (p != null && p.isAlive()) {
                p.terminate();
                p.await();
            }
        }
        for (Process p : new Process[] {backend, backend2}) {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
    }

    /** busybox httpd on {@code host}:{@code port} whose / answers {@code name}. */
    private static Process httpd(Path dir, String name, String host, int port) throws IOException {
        Path root = Files.createDirectories(dir.resolve(name));
        Files.writeString(root.resolve("index.html"), name + "\n");
        Files.writeString(root.resolve("health"), "ok\n");
        Process p = new ProcessBuilder("/bin/busybox", "httpd", "-f", "-p", host + ":" + port, "-h", root.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return p;
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body().strip();
    }

    private Matcher awaitListening(CliProcess.Running process) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(process.isAlive()).as("flotilla lb runs; stderr: %s", process.errSoFar()).isTrue();
            return LISTENING.matcher(process.outSoFar()).find();
        });
        Matcher m = LISTENING.matcher(process.outSoFar());
        assertThat(m.find()).isTrue();
        return m;
    }

    /** The lines after "Listening on" may reach the pipe a moment after it. */
    private static void awaitOutput(CliProcess.Running process, String text) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(process.outSoFar()).contains(text));
    }

    @Test
    void balancesStaticBackendsServesAdminAndStopsOnSigterm() throws Exception {
        Path dir = WorkDirs.create("lb-cli-static");
        int port = FreePorts.next();
        backend = httpd(dir, "web01", "127.0.0.41", port);
        int listen = FreePorts.next();
        int admin = FreePorts.next();
        lb = CliProcess.start(CliProcess.Options.defaults(), "lb", "--service", "web", "--listen", "127.0.0.1:" + listen,
                "--source", "static:127.0.0.41:" + port, "--check-path", "/health", "--check-interval", "500ms",
                "--admin", "127.0.0.1:" + admin);

        Matcher ready = awaitListening(lb);
        assertThat(ready.group(1)).isEqualTo("127.0.0.1:" + listen);
        assertThat(ready.group(2)).isEqualTo("1");
        awaitOutput(lb, "  127.0.0.41:" + port + " passing (GET /health: HTTP 200 in ");
        awaitOutput(lb, "Admin on http://127.0.0.1:" + admin + " (GET /lb/status, GET /metrics)");
        assertThat(get("http://127.0.0.1:" + listen + "/")).isEqualTo("200 web01");
        assertThat(get("http://127.0.0.1:" + admin + "/lb/status")).contains("\"id\":\"127.0.0.41:" + port + "\"", "\"requests\":1",
                "\"health\":\"passing\"");

        lb.terminate();
        lb.await();
        try (ServerSocket again = new ServerSocket(listen, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).as("the port is free once lb exits").isEqualTo(listen);
        }
    }

    @Test
    void followsTheTutorialsKeysThroughAnAgentsApi() throws Exception {
        Path dir = WorkDirs.create("lb-cli-keys");
        dev = CliProcess.start(CliProcess.Options.defaults().in(dir), "dev", "--machines", "1", "--api-port", "0",
                "--data-dir", dir.resolve("data").toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(dev.isAlive()).as("dev mode runs; stderr: %s", dev.errSoFar()).isTrue();
            return API_LINE.matcher(dev.outSoFar()).find();
        });
        Matcher api = API_LINE.matcher(dev.outSoFar());
        assertThat(api.find()).isTrue();
        String endpoint = api.group(1);
        int port1 = FreePorts.next();
        int port2 = FreePorts.next();
        backend = httpd(dir, "web01", "127.0.0.42", port1);
        backend2 = httpd(dir, "web02", "127.0.0.43", port2);
        String prefix = "/services/web" + Math.abs(System.nanoTime() % 100000);
        for (String[] kv : new String[][] {{"web01/host", "127.0.0.42"}, {"web01/port", "" + port1}}) {
            assertThat(CliProcess.run("kv", "put", "--endpoint", endpoint, prefix + "/" + kv[0], kv[1]).exitCode()).isZero();
        }
        int listen = FreePorts.next();
        lb = CliProcess.start(CliProcess.Options.defaults(), "lb", "--service", "web", "--listen", "127.0.0.1:" + listen,
                "--source", "keys:" + prefix, "--endpoint", endpoint, "--check-interval", "500ms");
        assertThat(awaitListening(lb).group(2)).isEqualTo("1");
        assertThat(get("http://127.0.0.1:" + listen + "/")).isEqualTo("200 web01");

        for (String[] kv : new String[][] {{"web02/public_ipv4_addr", "127.0.0.43"}, {"web02/port", "" + port2}}) {
            assertThat(CliProcess.run("kv", "put", "--endpoint", endpoint, prefix + "/" + kv[0], kv[1]).exitCode()).isZero();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            TreeSet<String> seen = new TreeSet<>();
            for (int i = 0; i < 4; i++) {
                seen.add(get("http://127.0.0.1:" + listen + "/"));
            }
            return seen.equals(new TreeSet<>(java.util.List.of("200 web01", "200 web02")));
        });
    }

    @Test
    void anEmptyKeysPrefixIsNoErrorButAWait() throws Exception {
        Path dir = WorkDirs.create("lb-cli-empty");
        dev = CliProcess.start(CliProcess.Options.defaults().in(dir), "dev", "--machines", "1", "--api-port", "0",
                "--data-dir", dir.resolve("data").toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(dev.isAlive()).as("dev mode runs; stderr: %s", dev.errSoFar()).isTrue();
            return API_LINE.matcher(dev.outSoFar()).find();
        });
        Matcher api = API_LINE.matcher(dev.outSoFar());
        assertThat(api.find()).isTrue();
        int listen = FreePorts.next();
        lb = CliProcess.start(CliProcess.Options.defaults().env(java.util.Map.of("FLOTILLA_ENDPOINT", api.group(1))),
                "lb", "--service", "nobody", "--listen", "127.0.0.1:" + listen, "--source", "keys");

        assertThat(awaitListening(lb).group(2)).isEqualTo("0");
        awaitOutput(lb, "  no backends yet: waiting for keys:/services/nobody/ via " + api.group(1));
        assertThat(get("http://127.0.0.1:" + listen + "/"))
                .isEqualTo("502 502 Bad Gateway: no backend of service nobody is available");
    }

    @Test
    void theRegistryIsTheDefaultSourceAServiceDeclaredButNotYetRegisteredIsAWaitAndAMisspeltOneIsOneLine()
            throws Exception {
        Path dir = WorkDirs.create("lb-cli-registry");
        dev = CliProcess.start(CliProcess.Options.defaults().in(dir), "dev", "--machines", "1", "--api-port", "0",
                "--data-dir", dir.resolve("data").toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(dev.isAlive()).as("dev mode runs; stderr: %s", dev.errSoFar()).isTrue();
            return API_LINE.matcher(dev.outSoFar()).find();
        });
        Matcher api = API_LINE.matcher(dev.outSoFar());
        assertThat(api.find()).isTrue();
        Path unit = Files.writeString(dir.resolve("web@.service"), "[Service]\nExecStart=/bin/true\n\n[X-Service]\n"
                + "Name=web\nPort=180%i\n");
        assertThat(CliProcess.run("submit", "--endpoint", api.group(1), unit.toString()).exitCode()).isZero();
        var env = java.util.Map.of("FLOTILLA_ENDPOINT", api.group(1));

        CliProcess.Result misspelt = CliProcess.run(CliProcess.Options.defaults().env(env), "lb", "--service", "wbe",
                "--listen", "127.0.0.1:" + FreePorts.next());
        assertThat(misspelt.exitCode()).as("%s", misspelt).isEqualTo(2);
        assertThat(misspelt.err()).isEqualTo("flotilla lb: --service wbe: no unit declares [X-Service] Name=wbe and "
                + "nothing is registered under it (services declared: web)\n");

        int listen = FreePorts.next();
        lb = CliProcess.start(CliProcess.Options.defaults().env(env), "lb", "--service", "web", "--listen",
                "127.0.0.1:" + listen);
        assertThat(awaitListening(lb).group(2)).isEqualTo("0");
        awaitOutput(lb, "  no backends yet: waiting for registry:web via " + api.group(1));
        assertThat(get("http://127.0.0.1:" + listen + "/"))
                .isEqualTo("502 502 Bad Gateway: no backend of service web is available");
    }

    @Test
    void anUnreachableAgentIsOneLine() {
        String endpoint = "http://127.0.0.1:" + FreePorts.next();
        CliProcess.Result r = CliProcess.run("lb", "--service", "web", "--listen", "127.0.0.1:" + FreePorts.next(),
                "--endpoint", endpoint);

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).startsWith("flotilla lb: cannot watch service web via " + endpoint + ": ").hasLineCount(1);
    }

    @Test
    void anUnreachableEtcdOfTheRegistryIsOneLine() {
        String etcd = "http://127.0.0.1:" + FreePorts.next();
        CliProcess.Result r = CliProcess.run("lb", "--service", "web", "--listen", "127.0.0.1:" + FreePorts.next(),
                "--etcd", etcd, "--timeout", "2");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).startsWith("flotilla lb: cannot watch service web via " + etcd + ": ").hasLineCount(1);
    }

    @Test
    void aBadDigestIsOneLine() {
        CliProcess.Result r = CliProcess.run("lb", "--service", "web", "--listen", "127.0.0.1:" + FreePorts.next(),
                "--source", "static:127.0.0.2:80", "--check-path", "/health", "--check-sha1", "abc123");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).isEqualTo("flotilla lb: --check-sha1: expected 40 hex digits, got 'abc123'\n");
    }

    @Test
    void aPortInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String listen = "127.0.0.1:" + taken.getLocalPort();
            CliProcess.Result r = CliProcess.run("lb", "--service", "web", "--listen", listen, "--source",
                    "static:127.0.0.2:80");

            assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
            assertThat(r.err()).isEqualTo("flotilla lb: --listen " + listen + ": address already in use\n");
        }
    }

    @Test
    void anUnreachableEtcdIsOneLine() {
        String etcd = "http://127.0.0.1:" + FreePorts.next();
        CliProcess.Result r = CliProcess.run("lb", "--service", "web", "--listen", "127.0.0.1:" + FreePorts.next(),
                "--source", "keys", "--etcd", etcd, "--timeout", "2");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).startsWith("flotilla lb: --source keys: cannot read /services/web/ from etcd at " + etcd + ": ")
                .hasLineCount(1);
    }

    @Test
    void anHaproxySocketNobodyListensOnIsOneLine() {
        Path socket = WorkDirs.create("lb-cli-haproxy").resolve("none.sock");
        CliProcess.Result r = CliProcess.run("lb", "--service", "web", "--sync-haproxy", socket.toString(), "--backend",
                "web", "--source", "static:127.0.0.2:80");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).startsWith("flotilla lb: --sync-haproxy " + socket + ": ").hasLineCount(1);
    }

    @Test
    void withoutListenOrSyncTheBalancerSaysWhatItNeeds() {
        CliProcess.Result r = CliProcess.run("lb", "--service", "web", "--source", "static:127.0.0.2:80");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).startsWith("flotilla lb: --listen ADDR:PORT is required").hasLineCount(1);
    }
}
