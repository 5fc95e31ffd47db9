package dev.flotilla.agent.checks;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.unit.ServiceSpec;

/**
 * Runs the health check of a unit's {@code [X-Service]} once, blocking for at most about its
 * timeout: an HTTP GET ({@link HttpClient}; the expected statuses pass, 429 is a warning, the body's
 * SHA-1 must match when one is expected), a TCP connect, or a command (exit 0 passing, 1 warning,
 * anything else critical). Consul's semantics, so that users who know it guess right. Never throws:
 * every failure is a {@link ServiceHealth#CRITICAL} result saying why. Thread-safe; one per agent.
 */
public final class HealthChecker implements AutoCloseable {

    private final HttpClient http;

    /** A checker with its own HTTP client (HTTP/1.1, no redirects followed: a redirect is a status like any other). */
    public HealthChecker() {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Runs {@code check} of {@code spec} against the endpoint at {@code address}:{@code spec.port()}.
     *
     * @param environment the variables a check command sees (besides the agent's own)
     */
    public CheckResult run(ServiceSpec.Check check, ServiceSpec spec, String address, Map<String, String> environment) {
        Duration timeout = spec.checkTimeout();
        try {
            return switch (check) {
                case ServiceSpec.Check.Http h -> http(h.uri(address, spec.port()), spec, timeout);
                case ServiceSpec.Check.Tcp t -> tcp(t.host().orElse(address),
                        t.port().isPresent() ? t.port().getAsInt() : spec.port(), timeout);
                case ServiceSpec.Check.Command c -> command(c, environment, timeout);
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CheckResult(ServiceHealth.CRITICAL, "check interrupted");
        }
    }

    private CheckResult http(URI uri, ServiceSpec spec, Duration timeout) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "flotilla-agent")
                .GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return new CheckResult(ServiceHealth.CRITICAL, "GET " + uri + ": timed out after " + timeout.toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            return new CheckResult(ServiceHealth.CRITICAL, "GET " + uri + ": " + describe(e.getCause(), timeout));
        }
        int status = response.statusCode();
        if (status == 429) {
            return new CheckResult(ServiceHealth.WARNING, "HTTP 429 (too many requests)");
        }
        if (!spec.expectStatus().accepts(status)) {
            return new CheckResult(ServiceHealth.CRITICAL, "HTTP " + status + " is not an expected status");
        }
        if (spec.expectBodySha1().isPresent()) {
            String digest = sha1(response.body());
            if (!digest.equals(spec.expectBodySha1().get())) {
                return new CheckResult(ServiceHealth.CRITICAL, "HTTP " + status + ", but the body's SHA-1 is "
                        + digest + ", not the expected " + spec.expectBodySha1().get());
            }
            return new CheckResult(ServiceHealth.PASSING, "HTTP " + status + ", body SHA-1 matches");
        }
        return new CheckResult(ServiceHealth.PASSING, "HTTP " + status);
    }

    private static CheckResult tcp(String host, int port, Duration timeout) {
        String target = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return new CheckResult(ServiceHealth.PASSING, "TCP connect to " + target + " succeeded");
        } catch (IOException e) {
            return new CheckResult(ServiceHealth.CRITICAL, "TCP connect to " + target + ": " + describe(e, timeout));
        }
    }

    private static CheckResult command(ServiceSpec.Check.Command c, Map<String, String> environment, Duration timeout)
            throws InterruptedException {
        Path out = null;
        try {
            out = Files.createTempFile("flotilla-check-", ".out");
            ProcessBuilder pb = new ProcessBuilder(c.argv()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(environment);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new CheckResult(ServiceHealth.CRITICAL, c.argv().getFirst() + ": timed out after "
                        + timeout.toMillis() + " ms");
            }
            int exit = p.exitValue();
            String first;
            try (var lines = Files.lines(out)) {
                first = lines.findFirst().orElse("");
            } catch (java.io.UncheckedIOException e) {
                first = "(output is not text)";
            }
            ServiceHealth health = exit == 0 ? ServiceHealth.PASSING
                    : exit == 1 ? ServiceHealth.WARNING : ServiceHealth.CRITICAL;
            return new CheckResult(health, "exit " + exit + (first.isBlank() ? "" : ": " + first));
        } catch (IOException e) {
            return new CheckResult(ServiceHealth.CRITICAL, "cannot run " + c.argv().getFirst() + ": " + e.getMessage());
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file left in /tmp
                }
            }
        }
    }

    private static String describe(Throwable e, Duration timeout) {
        if (e instanceof HttpTimeoutException || e instanceof SocketTimeoutException) {
            return "timed out after " + timeout.toMillis() + " ms";
        }
        if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
            return "connection refused";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String sha1(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** Releases the HTTP client's threads. */
    @Override
    public void close() {
        http.close();
    }
}
