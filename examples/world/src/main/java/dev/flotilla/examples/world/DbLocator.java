package dev.flotilla.examples.world;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Finds the database: either a fixed address ({@code --db HOST:PORT}) or the Flotilla registry, asked
 * over the agent's HTTP API as the discovery contract says: {@code GET $FLOTILLA_ENDPOINT/v1/services/db?health=passing},
 * first endpoint's {@code address:port}. Asked again on every {@link #locate()}, so a database that moved
 * to another machine is found at its new address. Thread-safe.
 */
sealed interface DbLocator {

    /**
     * The database's address now.
     *
     * @throws IllegalStateException with a one-line reason when no database can be found
     */
    HostPort locate();

    /** Where the address comes from, for {@code /db_host} and logs. */
    String describe();

    /** {@code --db HOST:PORT}. */
    record Fixed(HostPort address) implements DbLocator {
        @Override
        public HostPort locate() {
            return address;
        }

        @Override
        public String describe() {
            return "--db " + address;
        }
    }

    /**
     * The registry behind an agent's API.
     *
     * @param endpoint the API's base URL, e.g. {@code http://127.0.0.2:7070}
     * @param service the service name, {@code db}
     * @param token the API token ({@code $FLOTILLA_TOKEN}) or null
     */
    record Registry(URI endpoint, String service, String token, HttpClient http) implements DbLocator {

        private static final ObjectMapper JSON = new ObjectMapper();

        static Registry of(String endpoint, String service, Map<String, String> env) {
            URI base = URI.create(endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            return new Registry(base, service, env.get("FLOTILLA_TOKEN"), http);
        }

        URI url() {
            return URI.create(endpoint + "/v1/services/" + URLEncoder.encode(service, StandardCharsets.UTF_8)
                    + "?health=passing");
        }

        @Override
        public HostPort locate() {
            HttpRequest.Builder request = HttpRequest.newBuilder(url()).timeout(Duration.ofSeconds(3)).GET();
            if (token != null && !token.isEmpty()) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException("registry " + url() + " unreachable: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking " + url());
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("registry " + url() + " answered HTTP " + response.statusCode());
            }
            JsonNode endpoints;
            try {
                endpoints = JSON.readTree(response.body()).path("endpoints");
            } catch (IOException e) {
                throw new IllegalStateException("registry " + url() + " answered something that is not JSON: " + e.getMessage());
            }
            if (!endpoints.isArray() || endpoints.isEmpty()) {
                throw new IllegalStateException("no passing endpoint of service " + service + " in the registry at " + url());
            }
            JsonNode first = endpoints.get(0);
            String address = first.path("address").asText("");
            int port = first.path("port").asInt(0);
            try {
                return new HostPort(address, port);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("registry " + url() + " lists an endpoint without a usable address: "
                        + first + " (" + e.getMessage() + ")");
            }
        }

        @Override
        public String describe() {
            return "registry " + url();
        }
    }
}
