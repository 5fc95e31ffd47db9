package dev.flotilla.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Server-Sent Events client for tests, as a browser's EventSource reads a stream: frames of {@code id:},
 * {@code event:}, {@code data:} lines ended by a blank line; comments ignored. Reads on a thread of its own.
 */
final class SseClient implements AutoCloseable {

    /** One event frame. */
    record Frame(String id, String event, JsonNode data) {
        String type() {
            return data.get("type").asText();
        }

        String unit() {
            return data.has("unit") ? data.get("unit").asText() : null;
        }

        String field(String name) {
            JsonNode f = data.get("fields");
            return f != null && f.has(name) ? f.get(name).asText() : null;
        }

        @Override
        public String toString() {
            return id + " " + data;
        }
    }

    private final HttpClient client;
    private final int status;
    private final String contentType;
    private final String errorBody;
    private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final List<String> comments = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean ended;
    private final Thread reader;
    private final InputStream body;

    private SseClient(HttpClient client, HttpResponse<InputStream> response) throws IOException {
        this.client = client;
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("Content-Type").orElse("");
        if (status != 200) {
            errorBody = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
            reader = null;
            body = null;
            ended = true;
            return;
        }
        errorBody = null;
        body = response.body();
        reader = Thread.ofPlatform().daemon().name("sse-test-reader").start(() -> read(body));
    }

    /** Opens {@code base + target} with these request headers; returns once the response's headers are in. */
    static SseClient open(URI base, String target, Map<String, String> headers) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + target)).GET();
        headers.forEach(request::header);
        try {
            return new SseClient(client, client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    int status() {
        return status;
    }

    String contentType() {
        return contentType;
    }

    String errorBody() {
        return errorBody;
    }

    /** Whether the server ended the stream. */
    boolean ended() {
        return ended;
    }

    List<String> comments() {
        return List.copyOf(comments);
    }

    /** The next frame, waiting at most {@code timeout}; null when none came. */
    Frame next(Duration timeout) throws InterruptedException {
        return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every frame until one of type {@code type} about {@code unit} (null: any) arrived, that one included. */
    List<Frame> until(String type, String unit, Duration timeout) throws InterruptedException {
        List<Frame> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Frame f = next(Duration.ofMillis(200));
            if (f == null) {
                continue;
            }
            seen.add(f);
            if (f.type().equals(type) && (unit == null || unit.equals(f.unit()))) {
                return seen;
            }
        }
        throw new AssertionError("no " + type + " event of " + unit + " within " + timeout + "; saw " + seen);
    }

    /** Every frame the server sent before it ended the stream. */
    List<Frame> all(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (!ended) {
            throw new AssertionError("the stream did not end within " + timeout);
        }
        List<Frame> out = new ArrayList<>();
        frames.drainTo(out);
        return out;
    }

    private void read(InputStream body) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        frames.add(new Frame(id, event, Http.JSON.readTree(data.toString())));
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).strip());
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException e) {
            // The connection closed.
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        if (body != null) {
            try {
                body.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        client.shutdownNow();
        client.close();
    }
}
