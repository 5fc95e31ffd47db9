package dev.flotilla.lb;

import static dev.flotilla.lb.LbTestSupport.anyPort;
import static dev.flotilla.lb.LbTestSupport.get;
import static dev.flotilla.lb.LbTestSupport.spread;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flotilla.testkit.WorkDirs;

/** TCP mode (bytes spliced both ways) and the admin server's /lb/status and /metrics, against busybox httpd backends. */
class LoadBalancerTcpAndAdminTest {

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
        List<BackendAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            HttpBackend b = HttpBackend.start(dir, "web0" + i, "127.0.0." + (10 + i));
            backends.add(b);
            addresses.add(b.address());
        }
        return addresses;
    }

    /** One HTTP/1.0 exchange over a raw TCP connection through the balancer: the backend's name, or what went wrong. */
    private String rawGet() throws IOException {
        InetSocketAddress a = lb.address();
        try (Socket s = new Socket(a.getHostString(), a.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: web\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.") || !response.contains(" 200 ")) {
                return "bad response: " + response;
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4).strip();
        }
    }

    @Test
    void tcpModeSplicesBytesAndSurvivesADeadBackend() throws Exception {
        lb = new LoadBalancer(LbConfig.of("web", anyPort(), LbConfig.Mode.TCP), new StaticSource(startBackends(2)));
        lb.start();
        Map<String, Integer> before = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            before.merge(rawGet(), 1, Integer::sum);
        }
        assertThat(before).containsExactlyInAnyOrderEntriesOf(Map.of("web01", 5, "web02", 5));

        backends.get(0).kill();
        Map<String, Integer> after = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            after.merge(rawGet(), 1, Integer::sum);
        }
        assertThat(after).containsExactlyEntriesOf(Map.of("web02", 10));
        assertThat(lb.status().backends().getFirst().health()).isEqualTo("ejected");
    }

    @Test
    void adminServesStatusJsonAndPrometheusMetrics() throws Exception {
        LbConfig config = LbConfig.of("web", anyPort(), LbConfig.Mode.HTTP).withAdmin(anyPort());
        lb = new LoadBalancer(config, new StaticSource(startBackends(2)));
        lb.start();
        assertThat(spread(lb, 6)).containsExactlyInAnyOrderEntriesOf(Map.of("web01", 3, "web02", 3));
        InetSocketAddress admin = lb.adminAddress();
        String base = "http://" + admin.getHostString() + ":" + admin.getPort();

        HttpResponse<String> status = get(base + "/lb/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode json = new ObjectMapper().readTree(status.body());
        assertThat(json.get("service").asText()).isEqualTo("web");
        assertThat(json.get("mode").asText()).isEqualTo("http");
        assertThat(json.get("listen").asText()).isEqualTo("127.0.0.1:" + lb.address().getPort());
        JsonNode first = json.get("backends").get(0);
        assertThat(first.get("id").asText()).isEqualTo("web01");
        assertThat(first.get("address").asText()).isEqualTo("127.0.0.11");
        assertThat(first.get("port").asInt()).isEqualTo(backends.get(0).port());
        assertThat(first.get("health").asText()).isEqualTo("passing");
        assertThat(first.get("source").asText()).isEqualTo("passing");
        assertThat(first.get("requests").asLong()).isEqualTo(3);
        assertThat(first.get("failures").asLong()).isZero();
        assertThat(first.get("activeConnections").asInt()).isZero();
        assertThat(first.get("p99Ms").asDouble()).isGreaterThan(0).isGreaterThanOrEqualTo(first.get("p50Ms").asDouble());

        HttpResponse<String> metrics = get(base + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("lb_requests_total{address=\"127.0.0.11:" + backends.get(0).port() + "\",backend=\"web01\",service=\"web\"} 3.0")
                .contains("lb_request_duration_seconds{address=\"127.0.0.12:" + backends.get(1).port()
                        + "\",backend=\"web02\",service=\"web\",quantile=\"0.99\"}")
                .contains("lb_backend_up{")
                .contains("lb_active_connections{");

        HttpResponse<String> other = get(base + "/");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).contains("GET /lb/status and GET /metrics");
    }
}
