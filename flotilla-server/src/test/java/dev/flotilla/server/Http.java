package dev.flotilla.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Raw HTTP against a server, the way any client (fleetctl, curl) talks to it. */
final class Http implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A response: status, Content-Type and body. */
    record Response(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** The message of fleet's error body, after checking the body's shape and code. */
        String errorMessage() {
            JsonNode error = json().get("error");
            if (error == null || error.get("code").asInt() != status || !error.get("message").isTextual()) {
                throw new AssertionError("not fleet's error body for " + status + ": " + body);
            }
            return error.get("message").asText();
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    private final URI base;
    private final String authorization;
    private final HttpClient client;

    Http(URI base) {
        this(base, null, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    /** Sends {@code authorization} (null: none) as the Authorization header of every request, over {@code client}. */
    Http(URI base, String authorization, HttpClient client) {
        this.base = base;
        this.authorization = authorization;
        this.client = client;
    }

    Response get(String path) {
        return send(builder(path).GET());
    }

    /** GET with one extra request header. */
    Response get(String path, String header, String value) {
        return send(builder(path).header(header, value).GET());
    }

    Response delete(String path) {
        return send(builder(path).DELETE());
    }

    /** PUT with fleetctl's Content-Type. */
    Response put(String path, String json) {
        return put(path, json, "application/json");
    }

    Response put(String path, String body, String contentType) {
        HttpRequest.Builder b = builder(path).PUT(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    Response patch(String path, String json) {
        return send(builder(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A JSON string literal of {@code text}. */
    static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
