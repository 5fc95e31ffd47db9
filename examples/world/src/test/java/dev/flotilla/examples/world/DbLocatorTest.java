package dev.flotilla.examples.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.testkit.FreePorts;

/** The registry lookup against a real HTTP server answering as the agent's {@code /v1/services/db} would. */
class DbLocatorTest {

    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicReference<String> body = new AtomicReference<>();
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private HttpServer server;
    private String api;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/services/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        api = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void takesTheFirstPassingEndpointAndSendsTheToken() {
        body.set("{\"service\":\"db\",\"revision\":3,\"endpoints\":[{\"service\":\"db\",\"unit\":\"db.service\","
                + "\"machineId\":\"m1\",\"address\":\"127.0.0.3\",\"port\":3306,\"tags\":[],\"health\":\"passing\"},"
                + "{\"address\":\"127.0.0.4\",\"port\":3306}]}");

        HostPort found = DbLocator.Registry.of(api, "db", Map.of("FLOTILLA_TOKEN", "t0k3n")).locate();

        assertThat(found).isEqualTo(new HostPort("127.0.0.3", 3306));
        assertThat(authorizations).containsExactly("Bearer t0k3n");
    }

    @Test
    void saysWhyNoDatabaseWasFound() {
        DbLocator.Registry registry = DbLocator.Registry.of(api + "/", "db", Map.of());
        String url = api + "/v1/services/db?health=passing";

        body.set("{\"service\":\"db\",\"revision\":1,\"endpoints\":[]}");
        assertThatThrownBy(registry::locate).hasMessage("no passing endpoint of service db in the registry at " + url);

        body.set("<html>oops</html>");
        assertThatThrownBy(registry::locate).hasMessageStartingWith("registry " + url + " answered something that is not JSON");

        status.set(401);
        body.set("{\"error\":\"unauthorized\"}");
        assertThatThrownBy(registry::locate).hasMessage("registry " + url + " answered HTTP 401");

        DbLocator.Registry nobody = DbLocator.Registry.of("http://127.0.0.1:" + FreePorts.next(), "db", Map.of());
        assertThatThrownBy(nobody::locate).hasMessageContaining("unreachable");
    }
}
