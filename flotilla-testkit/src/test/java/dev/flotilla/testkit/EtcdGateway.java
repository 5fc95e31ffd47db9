package dev.flotilla.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Talks to etcd's v3 JSON gateway, so the test kit's tests need no etcd client library. */
final class EtcdGateway {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern VALUE = Pattern.compile("\"value\":\"([^\"]*)\"");

    private EtcdGateway() {
    }

    /** Writes {@code key}; returns true (for use as an Awaitility condition). */
    static boolean put(String endpoint, String key, String value) throws IOException, InterruptedException {
        post(endpoint, "/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
        return true;
    }

    static Optional<String> get(String endpoint, String key) throws IOException, InterruptedException {
        Matcher m = VALUE.matcher(post(endpoint, "/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}"));
        return m.find() ? Optional.of(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8))
                : Optional.empty();
    }

    private static String post(String endpoint, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
