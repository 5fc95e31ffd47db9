package dev.flotilla.lb.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.flotilla.lb.BackendAddress;
import dev.flotilla.testkit.BusyboxHttpd;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.testkit.HaproxyProcess;

/**
 * {@link HaproxySync} against Debian's real HAProxy and real busybox web servers: after every
 * apply, HAProxy's server list is what the backends say, and requests through HAProxy's frontend
 * reach exactly the passing backends. One HAProxy for the class, a backend per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HaproxySyncTest {
    private static final Duration FAST = Duration.ofMillis(200);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final List<BusyboxHttpd> webs = new ArrayList<>();
    private final Map<String, Integer> frontends = new java.util.HashMap<>();
    private HaproxyProcess haproxy;
    private HaproxyRuntimeApi api;
    private int configServerPort;

    @BeforeAll
    void start() {
        for (int i = 1; i <= 5; i++) {
            webs.add(BusyboxHttpd.start("127.0.20." + i, FreePorts.next(), "web" + i));
        }
        configServerPort = FreePorts.next();
        StringBuilder proxies = new StringBuilder("""
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                """);
        for (String backend : List.of("churn", "drain", "idem", "names")) {
            int port = FreePorts.next();
            frontends.put(backend, port);
            proxies.append("frontend fe-").append(backend).append('\n')
                    .append("  bind 127.0.20.10:").append(port).append('\n')
                    .append("  default_backend ").append(backend).append('\n')
                    .append("backend ").append(backend).append('\n')
                    .append("  balance roundrobin\n");
            // A server from the configuration file, in maintenance there: the sync must leave it alone.
            proxies.append("  server from-config 127.0.20.30:").append(configServerPort).append(" disabled\n");
        }
        proxies.append("backend fixed\n  balance static-rr\n");
        haproxy = HaproxyProcess.start("", proxies.toString());
        api = new HaproxyRuntimeApi(haproxy.socket());
    }

    @AfterAll
    void stop() {
        if (haproxy != null) {
            haproxy.close();
        }
        webs.forEach(BusyboxHttpd::close);
    }

    @Test
    void churnKeepsHaproxysServersAndTrafficInStepWithThePassingBackends() {
        try (HaproxySync sync = new HaproxySync(api, "churn", FAST)) {
            List<BackendAddress> four = List.of(backend(1, true), backend(2, true), backend(3, true), backend(4, true));
            sync.apply(four);
            assertInStep("churn", sync, "web1", "web2", "web3", "web4");

            sync.apply(List.of(backend(1, true), backend(3, true), backend(4, true)));
            assertInStep("churn", sync, "web1", "web3", "web4");

            sync.apply(List.of(backend(1, true), backend(3, false), backend(4, true)));
            assertInStep("churn", sync, "web1", "web4");

            sync.apply(List.of(backend(1, true), backend(2, true), backend(3, true), backend(4, true), backend(5, true)));
            assertInStep("churn", sync, "web1", "web2", "web3", "web4", "web5");

            sync.apply(List.of());
            assertInStep("churn", sync);
            assertThat(reached("churn", 4)).as("no server left: HAProxy answers 503").containsOnly("503");
        }
    }

    @Test
    void applyingTheSameListAgainChangesNothing() {
        try (HaproxySync sync = new HaproxySync(api, "idem", FAST)) {
            List<BackendAddress> two = List.of(backend(1, true), backend(2, true));
            sync.apply(two);
            List<HaproxyServer> before = api.showServersState("idem");
            sync.apply(two);
            sync.apply(List.copyOf(two));
            assertThat(api.showServersState("idem")).isEqualTo(before);
            assertInStep("idem", sync, "web1", "web2");
        }
    }

    @Test
    void aServerWithAConnectionInUseStaysDrainingUntilItEndsThenIsDeleted() throws Exception {
        String host = "127.0.20.31";
        int port = FreePorts.next();
        CountDownLatch accepted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ServerSocket slow = new ServerSocket()) {
            slow.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket socket = slow.accept()) {
                    accepted.countDown();
                    release.await();
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nslow"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (HaproxySync sync = new HaproxySync(api, "drain", FAST)) {
                BackendAddress slowBackend = new BackendAddress("slow", host, port, true);
                sync.apply(List.of(slowBackend));
                CompletableFuture<HttpResponse<String>> request = HTTP.sendAsync(
                        HttpRequest.newBuilder(frontendUri("drain")).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(accepted.await(30, TimeUnit.SECONDS)).as("HAProxy passed the request on").isTrue();

                sync.apply(List.of(backend(1, true)));
                String slowName = HaproxySync.serverName("slow");
                assertThat(sync.pendingRemovals()).containsExactly(slowName);
                HaproxyServer draining = server("drain", slowName);
                assertThat(draining.ready()).isFalse();
                assertThat(reached("drain", 6)).as("no new request goes to the draining server").containsOnly("web1");

                release.countDown();
                assertThat(request.get(30, TimeUnit.SECONDS).body()).as("the request in flight completes").isEqualTo("slow");
                server.get(30, TimeUnit.SECONDS);
                await("the drained server deleted by a background re-apply").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> sync.pendingRemovals().isEmpty() && names("drain").equals(
                                Set.of("from-config", HaproxySync.serverName(backend(1, true).id()))));
            }
        }
    }

    @Test
    void serverNamesAreStableSafeAndDistinct() {
        assertThat(HaproxySync.serverName("127.0.0.2:8080")).isEqualTo("flotilla-127.0.0.2:8080");
        assertThat(HaproxySync.serverName("web01")).isEqualTo("flotilla-web01");
        String unit = HaproxySync.serverName("web@1.service/0123abcd");
        assertThat(unit).matches("flotilla-web_1\\.service_0123abcd-[0-9a-f]{8}")
                .isEqualTo(HaproxySync.serverName("web@1.service/0123abcd"))
                .isNotEqualTo(HaproxySync.serverName("web@1.service_0123abcd"))
                .isNotEqualTo(HaproxySync.serverName("web@1.service/0123abce"));
        assertThat(HaproxySync.serverName("x".repeat(300))).hasSizeLessThan(90);

        try (HaproxySync sync = new HaproxySync(api, "names", FAST)) {
            sync.apply(List.of(new BackendAddress("web@1.service/" + "ab".repeat(16), "127.0.20.1",
                    webs.get(0).port(), true)));
            assertThat(names("names")).contains(HaproxySync.serverName("web@1.service/" + "ab".repeat(16)));
            assertThat(reached("names", 3)).containsOnly("web1");
            sync.apply(List.of());
            await().atMost(Duration.ofSeconds(60)).until(() -> names("names").equals(Set.of("from-config")));
        }
    }

    @Test
    void haproxysRefusalsComeBackTyped() {
        try (HaproxySync sync = new HaproxySync(haproxy.socket(), "nosuch")) {
            assertThatThrownBy(sync::servers)
                    .isInstanceOfSatisfying(HaproxyRuntimeException.class, e -> {
                        assertThat(e.kind()).isEqualTo(HaproxyRuntimeException.Kind.NO_SUCH_BACKEND);
                        assertThat(e.getMessage()).contains(haproxy.socket().toString(), "show servers state nosuch",
                                "Can't find backend");
                    });
            assertThatThrownBy(() -> sync.apply(List.of(backend(1, true))))
                    .isInstanceOfSatisfying(HaproxyRuntimeException.class,
                            e -> assertThat(e.kind()).isEqualTo(HaproxyRuntimeException.Kind.NO_SUCH_BACKEND));
        }
        assertThatThrownBy(() -> new HaproxySync(haproxy.socket(), "bad name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad name'");
        assertThatThrownBy(() -> api.addServer("fixed", "flotilla-a", "127.0.20.1", 80))
                .isInstanceOfSatisfying(HaproxyRuntimeException.class,
                        e -> assertThat(e.kind()).isEqualTo(HaproxyRuntimeException.Kind.BACKEND_NOT_DYNAMIC));
        assertThatThrownBy(() -> api.deleteServer("churn", "flotilla-nosuch"))
                .isInstanceOfSatisfying(HaproxyRuntimeException.class,
                        e -> assertThat(e.kind()).isEqualTo(HaproxyRuntimeException.Kind.NO_SUCH_SERVER));
        assertThatThrownBy(() -> api.enableServer("churn", "flotilla-nosuch"))
                .isInstanceOfSatisfying(HaproxyRuntimeException.class,
                        e -> assertThat(e.kind()).isEqualTo(HaproxyRuntimeException.Kind.NO_SUCH_SERVER));
        assertThatThrownBy(() -> api.execute("show info\nshow stat"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.setServerState("churn", "a;shutdown", HaproxyRuntimeApi.AdminState.MAINT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a;shutdown'");

        HaproxyRuntimeApi nowhere = new HaproxyRuntimeApi(haproxy.dir().resolve("missing.sock"));
        assertThatThrownBy(() -> nowhere.showServersState("churn"))
                .isInstanceOfSatisfying(HaproxyRuntimeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HaproxyRuntimeException.Kind.UNREACHABLE);
                    assertThat(e.getMessage()).contains("missing.sock");
                });
    }

    @Test
    void runtimeApiCommandsAnswerAsHaproxyDoes() {
        String backend = "names";
        String name = "flotilla-api-test";
        api.addServer(backend, name, "127.0.20.2", webs.get(1).port());
        try {
            assertThat(server(backend, name).inForcedMaintenance()).as("HAProxy adds servers in maintenance").isTrue();
            assertThatThrownBy(() -> api.addServer(backend, name, "127.0.20.2", webs.get(1).port()))
                    .isInstanceOfSatisfying(HaproxyRuntimeException.class,
                            e -> assertThat(e.kind()).isEqualTo(HaproxyRuntimeException.Kind.SERVER_EXISTS));
            api.enableServer(backend, name);
            assertThat(server(backend, name).ready()).isTrue();
            assertThatThrownBy(() -> api.deleteServer(backend, name))
                    .isInstanceOfSatisfying(HaproxyRuntimeException.class,
                            e -> assertThat(e.kind()).isEqualTo(HaproxyRuntimeException.Kind.NOT_IN_MAINTENANCE));
            api.setServerAddress(backend, name, "127.0.20.3", webs.get(2).port());
            assertThat(server(backend, name)).extracting(HaproxyServer::address, HaproxyServer::port)
                    .containsExactly("127.0.20.3", webs.get(2).port());
            api.setServerState(backend, name, HaproxyRuntimeApi.AdminState.DRAIN);
            assertThat(server(backend, name).draining()).isTrue();
            assertThat(api.usedConnections(backend)).containsEntry(name, 0);
        } finally {
            api.setServerState(backend, name, HaproxyRuntimeApi.AdminState.MAINT);
            api.deleteServer(backend, name);
        }
        assertThat(names(backend)).doesNotContain(name);
    }

    /** The backends' servers are exactly {@code expected} (plus the configuration's), and traffic reaches exactly them. */
    private void assertInStep(String backend, HaproxySync sync, String... expected) {
        Set<String> wanted = new TreeSet<>();
        for (String web : expected) {
            wanted.add(HaproxySync.serverName(backendOf(web).id()));
        }
        Set<String> ready = api.showServersState(backend).stream().filter(HaproxyServer::ready)
                .map(HaproxyServer::name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(ready).as("servers in service right after apply").isEqualTo(wanted);
        assertThat(server(backend, "from-config")).as("the configuration's server, untouched")
                .isEqualTo(new HaproxyServer("from-config", "127.0.20.30", configServerPort, 0, 0x05));
        if (expected.length > 0) {
            assertThat(reached(backend, expected.length * 6)).as("backends reached through HAProxy")
                    .containsExactlyInAnyOrder(expected);
        }
        Set<String> all = new HashSet<>(wanted);
        all.add("from-config");
        await("removed servers deleted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> sync.pendingRemovals().isEmpty() && names(backend).equals(all));
    }

    private Set<String> reached(String backend, int requests) {
        Set<String> bodies = new TreeSet<>();
        for (int i = 0; i < requests; i++) {
            try {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(frontendUri(backend)).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                bodies.add(response.statusCode() == 200 ? response.body().strip() : String.valueOf(response.statusCode()));
            } catch (IOException e) {
                throw new IllegalStateException("request through HAProxy's frontend for " + backend + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return bodies;
    }

    private URI frontendUri(String backend) {
        return URI.create("http://127.0.20.10:" + frontends.get(backend) + "/");
    }

    private Set<String> names(String backend) {
        return api.showServersState(backend).stream().map(HaproxyServer::name).collect(Collectors.toSet());
    }

    private HaproxyServer server(String backend, String name) {
        return api.showServersState(backend).stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no server " + name + " in " + backend + ": " + names(backend)));
    }

    private BackendAddress backend(int n, boolean passing) {
        BusyboxHttpd web = webs.get(n - 1);
        return new BackendAddress(web.hostPort(), web.host(), web.port(), passing);
    }

    private BackendAddress backendOf(String web) {
        return backend(Integer.parseInt(web.substring(3)), true);
    }
}
