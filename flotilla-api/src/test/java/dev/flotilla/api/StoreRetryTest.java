package dev.flotilla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request that meets the agent's "store unavailable" 503 (etcd electing a leader) is sent once more when sending
 * it twice is harmless (GET, PUT), and never otherwise. The agent here is the JDK's HTTP server answering as
 * {@code ApiServer} does when its store fails: the client's retry is what is tested.
 */
class StoreRetryTest {

    private static final String STORE_DOWN = "{\"error\":{\"code\":503,\"message\":\"the cluster store is unavailable: "
            + "etcd at http://127.0.0.1:2379 did not answer transaction within 5000 ms; try again\"}}";

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    /** An agent whose store fails the first {@code failures} requests, then answers {@code status}. */
    private FleetClient agent(int failures, String failureBody, int status) throws Exception {
        AtomicInteger seen = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.getRequestBody().readAllBytes();
            if (seen.incrementAndGet() <= failures) {
                answer(exchange, 503, failureBody);
            } else {
                answer(exchange, status, status == 204 ? "" : "{\"machines\":[]}");
            }
        });
        server.start();
        return new FleetClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(5));
    }

    private static void answer(HttpExchange exchange, int status, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aStartMeetingAStoreOutageOnceSucceeds() throws Exception {
        FleetClient client = agent(1, STORE_DOWN, 204);
        client.setDesiredState("web@1.service", DesiredState.LAUNCHED);
        assertThat(requests).containsExactly("PUT /fleet/v1/units/web@1.service", "PUT /fleet/v1/units/web@1.service");
    }

    @Test
    void aReadMeetingAStoreOutageOnceSucceeds() throws Exception {
        FleetClient client = agent(1, STORE_DOWN, 200);
        assertThat(client.machines()).isEmpty();
        assertThat(requests).hasSize(2);
    }

    @Test
    void aLongerOutageIsReportedAfterOneRetry() throws Exception {
        FleetClient client = agent(2, STORE_DOWN, 204);
        assertThatThrownBy(() -> client.setDesiredState("web@1.service", DesiredState.LAUNCHED))
                .isInstanceOf(ApiException.class).hasMessageContaining("the cluster store is unavailable");
        assertThat(requests).hasSize(2);
    }

    @Test
    void aDestroyIsNotRepeatedNorIsAnotherKindOf503() throws Exception {
        FleetClient client = agent(1, STORE_DOWN, 204);
        assertThatThrownBy(() -> client.destroyUnit("web@1.service")).isInstanceOf(ApiException.class);
        assertThat(requests).containsExactly("DELETE /fleet/v1/units/web@1.service");
        stop();
        requests.clear();
        FleetClient busy = agent(1, "{\"error\":{\"code\":503,\"message\":\"this agent already serves 64 event streams\"}}", 200);
        assertThatThrownBy(busy::machines).isInstanceOf(ApiException.class);
        assertThat(requests).hasSize(1);
    }
}
