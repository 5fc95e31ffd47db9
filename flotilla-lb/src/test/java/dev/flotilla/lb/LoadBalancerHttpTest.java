package dev.flotilla.lb;

import static dev.flotilla.lb.LbTestSupport.CLIENT;
import static dev.flotilla.lb.LbTestSupport.anyPort;
import static dev.flotilla.lb.LbTestSupport.get;
import static dev.flotilla.lb.LbTestSupport.spread;
import static dev.flotilla.lb.LbTestSupport.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.flotilla.testkit.WorkDirs;

/** HTTP mode against real busybox httpd backends on their own loopback addresses. */
class LoadBalancerHttpTest {

    private Path dir;
    private final List<HttpBackend> backends = new ArrayList<>();
    private LoadBalancer lb;

    @BeforeEach
    void workDir(TestInfo test) {
        dir = WorkDirs.create("lb-" + test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (lb != null) {
            lb.close();
        }
        for (HttpBackend b : backends) {
            b.close();
        }
    }

    private List<BackendAddress> startBackends(int n) throws Exception {
        return startBackends(n, false);
    }

    private List<BackendAddress> startBackends(int n, boolean keepAlive) throws Exception {
        List<BackendAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String name = "web0" + i;
            String host = "127.0.0." + (i + 1);
            HttpBackend b = keepAlive ? HttpBackend.startKeepAlive(dir, name, host) : HttpBackend.start(dir, name, host);
            backends.add(b);
            addresses.add(b.address());
        }
        return addresses;
    }

    private LoadBalancer start(LbConfig config, List<BackendAddress> addresses) throws Exception {
        lb = new LoadBalancer(config, new StaticSource(addresses));
        lb.start();
        return lb;
    }

    private static LbConfig http() {
        return LbConfig.of("web", anyPort(), LbConfig.Mode.HTTP);
    }

    @Test
    void roundRobinSpreadsEvenlyOverEveryPassingBackend() throws Exception {
        start(http(), startBackends(3));
        assertThat(lb.backendsInRotation()).isEqualTo(3);

        assertThat(spread(lb, 30)).containsExactlyInAnyOrderEntriesOf(Map.of("web01", 10, "web02", 10, "web03", 10));
    }

    @Test
    void addsTheClientToXForwardedFor() throws Exception {
        start(http(), startBackends(1));

        assertThat(get(url(lb, "/cgi-bin/xff")).body().strip()).isEqualTo("127.0.0.1");
        HttpResponse<String> proxied = CLIENT.send(HttpRequest.newBuilder(URI.create(url(lb, "/cgi-bin/xff")))
                .header("X-Forwarded-For", "10.1.2.3").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(proxied.body().strip()).isEqualTo("10.1.2.3, 127.0.0.1");
    }

    @Test
    void forwardsRequestBodiesAndAnswersHttp10Clients() throws Exception {
        start(http(), startBackends(1));

        HttpResponse<String> post = CLIENT.send(HttpRequest.newBuilder(URI.create(url(lb, "/cgi-bin/echo")))
                .POST(HttpRequest.BodyPublishers.ofString("hello through the balancer")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEqualTo("POST web01 hello through the balancer");

        try (java.net.Socket s = new java.net.Socket(lb.address().getHostString(), lb.address().getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.0 200 ").endsWith("\r\n\r\nweb01\n");
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        start(http(), startBackends(1, true));

        try (java.net.Socket s = new java.net.Socket(lb.address().getHostString(), lb.address().getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /health HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String responses = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(responses.split("HTTP/1.1 200 ", -1)).hasSize(4);
            assertThat(responses.replaceAll("(?s)HTTP/1.1 200 .*?\r\n\r\n", "|")).isEqualTo("|web01\n|ok\n|web01\n");
        }
    }

    @Test
    void leastConnSendsRequestsToTheIdleBackend() throws Exception {
        start(http().withBalance(LbConfig.Balance.LEAST_CONN), startBackends(2));
        CompletableFuture<HttpResponse<String>> slow = CLIENT.sendAsync(
                HttpRequest.newBuilder(URI.create(url(lb, "/cgi-bin/slow"))).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> lb.status().backends().stream()
                .anyMatch(b -> b.activeConnections() == 1));
        String busy = lb.status().backends().stream().filter(b -> b.activeConnections() == 1).findFirst().orElseThrow().id();
        String idle = busy.equals("web01") ? "web02" : "web01";

        assertThat(spread(lb, 10)).containsExactlyEntriesOf(Map.of(idle, 10));

        for (HttpBackend b : backends) {
            b.release();
        }
        assertThat(slow.get().body().strip()).isEqualTo("slow " + busy);
    }

    @Test
    void keepAliveBackendsServeManyRequestsPerConnection() throws Exception {
        start(http(), startBackends(2, true));

        assertThat(spread(lb, 40)).containsExactlyInAnyOrderEntriesOf(Map.of("web01", 20, "web02", 20));
        assertThat(lb.status().backends()).allSatisfy(b -> assertThat(b.connectionsOpened()).isBetween(1L, 2L));
    }

    @Test
    void aKeepAliveBackendKilledMidTrafficCostsNoFailedIdempotentRequest() throws Exception {
        start(http(), startBackends(3, true));
        killOneOfThreeMidTraffic();
    }

    @Test
    void aBackendKilledMidTrafficCostsNoFailedIdempotentRequest() throws Exception {
        start(http(), startBackends(3));
        killOneOfThreeMidTraffic();
    }

    private void killOneOfThreeMidTraffic() throws Exception {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (int i = 0; i < 300; i++) {
            if (i == 100) {
                backends.get(1).kill();
            }
            HttpResponse<String> r = get(url(lb, "/"));
            counts.merge(r.statusCode() == 200 ? r.body().strip() : "HTTP " + r.statusCode() + ": " + r.body(), 1,
                    Integer::sum);
        }

        assertThat(counts.keySet()).as("every request answered by a live backend: %s", counts)
                .containsExactlyInAnyOrder("web01", "web02", "web03");
        assertThat(counts.get("web02")).isBetween(33, 34);
        assertThat(counts.get("web01") + counts.get("web03")).isEqualTo(300 - counts.get("web02"));
        AdminHandler.BackendStatus dead = lb.status().backends().get(1);
        assertThat(dead.health()).isIn("ejected", "critical");
        assertThat(dead.failures()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theCheckTakesABackendOutAndBringsItBack() throws Exception {
        start(http().withCheck("/health", null, Duration.ofMillis(200)), startBackends(2));
        assertThat(lb.backendsInRotation()).isEqualTo(2);

        backends.get(0).hideHealth();
        await().atMost(Duration.ofSeconds(30)).until(() -> lb.backendsInRotation() == 1);
        assertThat(lb.status().backends().get(0).check()).contains("HTTP 404");
        assertThat(spread(lb, 6)).containsExactlyEntriesOf(Map.of("web02", 6));

        backends.get(0).restoreHealth();
        await().atMost(Duration.ofSeconds(30)).until(() -> lb.backendsInRotation() == 2);
        assertThat(spread(lb, 6)).containsExactlyInAnyOrderEntriesOf(Map.of("web01", 3, "web02", 3));
    }

    @Test
    void aBackendGetsTrafficOnlyWhileItsSourceAlsoSaysPassing() throws Exception {
        List<BackendAddress> addresses = startBackends(2);
        AtomicReference<Consumer<List<BackendAddress>>> push = new AtomicReference<>();
        lb = new LoadBalancer(http(), new BackendSource() {
            @Override
            public void start(Consumer<List<BackendAddress>> listener) {
                push.set(listener);
                listener.accept(addresses);
            }

            @Override
            public String describe() {
                return "pushed by the test";
            }

            @Override
            public void close() {
            }
        });
        lb.start();
        assertThat(lb.backendsInRotation()).isEqualTo(2);

        BackendAddress web02 = addresses.get(1);
        push.get().accept(List.of(addresses.get(0), new BackendAddress(web02.id(), web02.host(), web02.port(), false)));
        assertThat(lb.status().backends().get(1).source()).isEqualTo("critical");
        assertThat(spread(lb, 4)).containsExactlyEntriesOf(Map.of("web01", 4));

        push.get().accept(addresses);
        assertThat(spread(lb, 4)).containsExactlyInAnyOrderEntriesOf(Map.of("web01", 2, "web02", 2));

        push.get().accept(List.of(web02));
        assertThat(lb.status().backends()).extracting(AdminHandler.BackendStatus::id).containsExactly("web02");
        assertThat(spread(lb, 4)).containsExactlyEntriesOf(Map.of("web02", 4));
    }

    @Test
    void theCheckDigestKeepsOutABackendServingOtherContent() throws Exception {
        List<BackendAddress> addresses = startBackends(2);
        backends.get(1).changeHealthBody("degraded\n");
        // SHA-1 of "ok\n"
        start(http().withCheck("/health", "92a949fd41844e1bb8c6812cdea102708fde23a4", Duration.ofMillis(200)), addresses);

        assertThat(lb.backendsInRotation()).as("%s", lb.status()).isEqualTo(1);
        assertThat(lb.status().backends().get(1).check()).contains("body SHA-1");
        assertThat(spread(lb, 4)).containsExactlyEntriesOf(Map.of("web01", 4));
    }

    @Test
    void noBackendAvailableIsAPlainTextBadGateway() throws Exception {
        start(http(), List.of(new BackendAddress("web01", "127.0.0.2", dev.flotilla.testkit.FreePorts.next(), true)));
        assertThat(lb.backendsInRotation()).isZero();

        HttpResponse<String> r = get(url(lb, "/"));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(r.body()).isEqualTo("502 Bad Gateway: no backend of service web is available\n");
    }
}
