package dev.flotilla.cli;

import static dev.flotilla.cli.AgentProcessCluster.PATIENCE;
import static dev.flotilla.cli.AgentProcessCluster.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.ServiceEndpoint;
import dev.flotilla.lb.haproxy.HaproxyRuntimeApi;
import dev.flotilla.lb.haproxy.HaproxyServer;
import dev.flotilla.lb.haproxy.HaproxySync;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.testkit.HaproxyProcess;

/**
 * {@code flotilla lb --service web} in front of {@code web@.service} instances (busybox httpd with an
 * {@code [X-Service]} HTTP check) on three real agent processes, as the tutorial's lbhelper was: its backends are the
 * registry's passing endpoints, followed through an agent's API (a second balancer reads etcd itself). Every
 * instance gets traffic; a stopped instance is drained before its process is signalled, so no request fails; a
 * machine killed with SIGKILL takes its instances out of the pool (lease expiry, fencing) while retries keep every
 * request succeeding, and they come back on the survivors. A third {@code flotilla lb --sync-haproxy} keeps a real
 * HAProxy's backend equal to the registry's passing endpoints through all of it.
 */
class AgentsLoadBalancerIT {

    private static final Pattern LISTENING = Pattern.compile("(?m)^Listening on http://(\\S+) \\(http mode, (\\d+) backends\\)$");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final List<String> INSTANCES = List.of("01", "02", "03");

    private static AgentProcessCluster cluster;
    private static CliProcess.Running lb;
    private static CliProcess.Running lbOverEtcd;
    private static CliProcess.Running haproxySync;
    private static HaproxyProcess haproxy;
    private static int haproxyPort;

    @BeforeAll
    static void startCluster() {
        cluster = AgentProcessCluster.start("lb", "127.0.26", Duration.ofSeconds(5),
                AgentSpec.named("a"), AgentSpec.named("b"), AgentSpec.named("c"));
        haproxyPort = FreePorts.next();
        haproxy = HaproxyProcess.start("", """
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                frontend fe-web
                  bind 127.0.0.1:%d
                  default_backend web
                backend web
                  balance roundrobin
                """.formatted(haproxyPort));
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        for (CliProcess.Running p : new CliProcess.Running[] {lb, lbOverEtcd, haproxySync}) {
            if (p != null && p.isAlive()) {
                p.terminate();
                p.await();
            }
        }
        if (haproxy != null) {
            haproxy.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** HAProxy's servers in backend web that take traffic, as ADDR:PORT. */
    private static Set<String> haproxyServers() {
        Set<String> servers = new java.util.TreeSet<>();
        for (HaproxyServer s : new HaproxyRuntimeApi(haproxy.socket()).showServersState("web")) {
            if (s.name().startsWith(HaproxySync.PREFIX) && s.ready()) {
                servers.add(s.address() + ":" + s.port());
            }
        }
        return servers;
    }

    /** The registry's passing endpoints of web, as ADDR:PORT. */
    private static Set<String> passingAddresses() throws Exception {
        Set<String> addresses = new java.util.TreeSet<>();
        cluster.api().service("web", ServiceEndpoint.PASSING).endpoints()
                .forEach(e -> addresses.add(e.address() + ":" + e.port()));
        return addresses;
    }

    private static void awaitHaproxyMatchesTheRegistry(String when) {
        await("HAProxy's servers are the registry's passing endpoints " + when).atMost(PATIENCE).until(() -> {
            assertThat(haproxySync.isAlive()).as("flotilla lb --sync-haproxy runs; stderr: %s", haproxySync.errSoFar())
                    .isTrue();
            Set<String> expected = passingAddresses();
            return !expected.isEmpty() && haproxyServers().equals(expected);
        });
    }

    /** Sequential GETs of the balancer until stopped, recording every answer ("200 web@01", or the failure). */
    private static final class Traffic implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<String> answers = new CopyOnWriteArrayList<>();
        private final Thread thread;

        Traffic(String url) {
            thread = Thread.ofPlatform().name("lb-traffic").start(() -> {
                while (running.get()) {
                    answers.add(get(url));
                }
            });
        }

        List<String> failures() {
            return answers.stream().filter(a -> !a.startsWith("200 ")).toList();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    private static String get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip();
        } catch (IOException e) {
            return "failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static Map<String, Integer> spread(String url, int n) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(get(url), 1, Integer::sum);
        }
        return counts;
    }

    /** The agent whose machine runs {@code unit}'s registered endpoint, or null. */
    private static AgentProcess hostOf(String unit) throws Exception {
        for (ServiceEndpoint e : cluster.api().service("web").endpoints()) {
            if (e.unit().equals(unit)) {
                return cluster.agentOfMachine(e.machineId());
            }
        }
        return null;
    }

    private static Set<String> passing() throws Exception {
        Set<String> units = ConcurrentHashMap.newKeySet();
        cluster.api().service("web", ServiceEndpoint.PASSING).endpoints().forEach(e -> units.add(e.unit()));
        return units;
    }

    @Test
    void theBalancerFollowsTheRegistryThroughStopsAndADeadMachineWithoutAFailedRequest() throws Exception {
        for (String i : INSTANCES) {
            var root = Files.createDirectories(cluster.unitDir().resolve("www").resolve(i));
            Files.writeString(root.resolve("index.html"), "web@" + i + "\n");
            Files.writeString(root.resolve("health"), "ok\n");
        }
        cluster.unitFile("web@.service", "[Unit]\nDescription=web %i\n\n[Service]\nExecStart=/bin/busybox httpd -f -p "
                + "${FLOTILLA_PUBLIC_IP}:180%i -h " + cluster.unitDir().resolve("www") + "/%i\n\n[X-Service]\nName=web\n"
                + "Port=180%i\nCheckHTTP=/health\nCheckInterval=1s\n");
        ok(cluster.cli("start", "web@01.service", "web@02.service", "web@03.service"));
        await("three passing endpoints").atMost(PATIENCE).until(() -> passing().size() == 3);

        // The balancer follows the registry through an agent that will survive: not the one running web@03.
        AgentProcess victim = hostOf("web@03.service");
        AgentProcess through = cluster.liveAgents().stream().filter(a -> a != victim).findFirst().orElseThrow();
        int listen = FreePorts.next();
        String status = "http://127.0.0.1:" + FreePorts.next() + "/lb/status";
        String url = "http://127.0.0.1:" + listen + "/";
        lb = CliProcess.start(CliProcess.Options.defaults().env(Map.of("FLOTILLA_ENDPOINT", through.endpoint())),
                "lb", "--service", "web", "--listen", "127.0.0.1:" + listen, "--check-path", "/health",
                "--admin", URI.create(status).getAuthority());
        await("flotilla lb ready").atMost(PATIENCE).until(() -> {
            assertThat(lb.isAlive()).as("flotilla lb runs; stderr: %s", lb.errSoFar()).isTrue();
            return LISTENING.matcher(lb.outSoFar()).find();
        });
        // A second balancer reads the registry in etcd itself.
        int listenEtcd = FreePorts.next();
        String urlEtcd = "http://127.0.0.1:" + listenEtcd + "/";
        lbOverEtcd = CliProcess.start(CliProcess.Options.defaults(), "lb", "--service", "web", "--listen",
                "127.0.0.1:" + listenEtcd, "--etcd", cluster.etcd().endpoint());
        await("flotilla lb --etcd ready").atMost(PATIENCE).until(() -> {
            assertThat(lbOverEtcd.isAlive()).as("flotilla lb --etcd runs; stderr: %s", lbOverEtcd.errSoFar()).isTrue();
            return LISTENING.matcher(lbOverEtcd.outSoFar()).find();
        });
        // A third keeps a real HAProxy's backend in step (no listener of its own).
        haproxySync = CliProcess.start(CliProcess.Options.defaults(), "lb", "--service", "web", "--endpoint",
                through.endpoint(), "--sync-haproxy", haproxy.socket().toString(), "--backend", "web");
        await("flotilla lb --sync-haproxy ready").atMost(PATIENCE).until(() -> {
            assertThat(haproxySync.isAlive()).as("flotilla lb --sync-haproxy runs; stderr: %s", haproxySync.errSoFar())
                    .isTrue();
            return haproxySync.outSoFar().contains("Syncing HAProxy backend web via " + haproxy.socket());
        });
        awaitHaproxyMatchesTheRegistry("at start");
        String haproxyUrl = "http://127.0.0.1:" + haproxyPort + "/";
        await("HAProxy reaches every instance").atMost(PATIENCE)
                .until(() -> spread(haproxyUrl, 6).keySet().equals(Set.of("200 web@01", "200 web@02", "200 web@03")));
        Matcher ready = LISTENING.matcher(lb.outSoFar());
        assertThat(ready.find()).isTrue();
        await("the ready block lists every instance").atMost(PATIENCE).untilAsserted(
                () -> assertThat(lb.outSoFar()).contains("web@01.service", "web@02.service", "web@03.service"));

        await("every instance in rotation").atMost(PATIENCE)
                .until(() -> spread(url, 6).keySet().equals(Set.of("200 web@01", "200 web@02", "200 web@03")));
        Map<String, Integer> hundred = spread(url, 100);
        assertThat(hundred).as("100 requests over three instances").containsOnlyKeys("200 web@01", "200 web@02",
                "200 web@03");
        assertThat(hundred.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(20));
        await("every instance in rotation over etcd").atMost(PATIENCE)
                .until(() -> spread(urlEtcd, 6).keySet().equals(Set.of("200 web@01", "200 web@02", "200 web@03")));

        String hostOf2 = hostOf("web@02.service").ip();
        // A stop drains: the endpoint is deleted, the balancer drops it, and only then is httpd signalled.
        try (Traffic traffic = new Traffic(url)) {
            await("traffic flows").atMost(PATIENCE).until(() -> traffic.answers.size() >= 10);
            ok(cluster.cli("stop", "web@02.service"));
            int afterStop = traffic.answers.size();
            await("traffic after the stop").atMost(PATIENCE).until(() -> traffic.answers.size() >= afterStop + 20);
            traffic.close();
            System.out.printf("stop web@02: %d sequential requests, %d failed%n", traffic.answers.size(),
                    traffic.failures().size());
            assertThat(traffic.failures()).as("requests failed during the stop").isEmpty();
            assertThat(traffic.answers.subList(afterStop, traffic.answers.size())).doesNotContain("200 web@02");
            assertThat(lb.outSoFar() + lb.errSoFar()).as("the balancer dropped web@02 before httpd was signalled, so it "
                    + "never met a refused connection").contains("backend web@02.service").doesNotContain(
                    "web@02.service (" + hostOf2 + ":18002) out of rotation");
        }
        awaitHaproxyMatchesTheRegistry("after a stop");
        assertThat(haproxyServers()).doesNotContain(hostOf2 + ":18002");

        // A machine dies (SIGKILL): its endpoints vanish with its lease, its fencing stops its units, retries hide
        // the broken connections, and the engine starts its instances on the survivors, which register them.
        try (Traffic traffic = new Traffic(url)) {
            await("traffic flows").atMost(PATIENCE).until(() -> traffic.answers.size() >= 10);
            assertThat(get(status)).contains("\"address\":\"" + victim.ip() + "\"");
            victim.kill();
            await("the dead machine's backends left the balancer").atMost(PATIENCE)
                    .until(() -> !get(status).contains("\"address\":\"" + victim.ip() + "\""));
            await("web@03 registered passing elsewhere").atMost(PATIENCE)
                    .until(() -> {
                        AgentProcess host = hostOf("web@03.service");
                        return host != null && host != victim && passing().contains("web@03.service");
                    });
            await("web@03 answers again through the balancer").atMost(PATIENCE)
                    .until(() -> spread(url, 6).containsKey("200 web@03"));
            int settled = traffic.answers.size();
            await("more traffic").atMost(PATIENCE).until(() -> traffic.answers.size() >= settled + 20);
            traffic.close();
            System.out.printf("kill -9 of %s: %d sequential requests, %d failed%n", victim.name(), traffic.answers.size(),
                    traffic.failures().size());
            assertThat(traffic.failures()).as("requests failed while the machine died").isEmpty();
            assertThat(traffic.answers).as("requests were served throughout").hasSizeGreaterThan(50);
        }
        await("the balancer over etcd follows too").atMost(PATIENCE)
                .until(() -> spread(urlEtcd, 6).keySet().equals(Set.of("200 web@01", "200 web@03")));
        awaitHaproxyMatchesTheRegistry("after a machine died");
        assertThat(haproxyServers()).as("nothing of the dead machine left in HAProxy")
                .noneMatch(a -> a.startsWith(victim.ip() + ":"));
        await("HAProxy reaches the instances left").atMost(PATIENCE)
                .until(() -> spread(haproxyUrl, 6).keySet().equals(Set.of("200 web@01", "200 web@03")));
        assertThat(lb.isAlive()).as("flotilla lb runs; stderr: %s", lb.errSoFar()).isTrue();
        System.out.println(lb.outSoFar() + lb.errSoFar());
    }
}
