package dev.flotilla.runtime.docker;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;

/**
 * The Docker engine as the runtime uses it: docker-java clients over the engine's socket, every failure turned
 * into an {@link EngineException} that says whether the engine could not be reached (the unit waits and the
 * runtime retries) or refused the request (the unit fails with the engine's message). The API version is left
 * unset: docker-java does not negotiate, and the engine then speaks its own (1.41 for Docker 20.10).
 * Thread-safe.
 */
final class Engine implements Closeable {

    private final String host;
    /** docker-java's clients, made on first use: an agent with no container unit never loads docker-java. */
    private Clients clients;
    private boolean closed;

    private static final Duration QUICK = Duration.ofSeconds(15);

    /** The two HTTP clients to the engine and a docker-java client over each. */
    private record Clients(DockerHttpClient longHttp, DockerHttpClient quickHttp, DockerClient slow, DockerClient quick) {
    }

    Engine(String host) {
        this.host = host;
    }

    private synchronized Clients clients() {
        if (closed) {
            throw new IllegalStateException("the runtime's link to the Docker engine at " + host + " is closed");
        }
        if (clients == null) {
            DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
            DockerHttpClient longHttp = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host))
                    .maxConnections(1000).connectionTimeout(Duration.ofSeconds(5)).build();
            DockerHttpClient quickHttp = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host))
                    .maxConnections(100).connectionTimeout(Duration.ofSeconds(5)).responseTimeout(QUICK).build();
            clients = new Clients(longHttp, quickHttp, DockerClientImpl.getInstance(config, longHttp),
                    DockerClientImpl.getInstance(config, quickHttp));
        }
        return clients;
    }

    /** For requests that may take long: stop, pull, log and event streams. */
    DockerClient slow() {
        return clients().slow();
    }

    /** For requests the engine answers at once; gives up after {@link #QUICK}. */
    DockerClient quick() {
        return clients().quick();
    }

    /** The engine's address, for messages. */
    String host() {
        return host;
    }

    /** A failure talking to the engine. */
    static final class EngineException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean unreachable;

        EngineException(String message, boolean unreachable, Throwable cause) {
            super(message, cause);
            this.unreachable = unreachable;
        }

        /** True when the engine did not answer at all (down, socket missing): worth retrying later. */
        boolean unreachable() {
            return unreachable;
        }
    }

    /** Runs {@code call}, turning docker-java's exceptions into {@link EngineException}s about {@code what}. */
    <T> T call(String what, Supplier<T> call) throws EngineException {
        try {
            return call.get();
        } catch (DockerException e) {
            throw new EngineException(what + ": the Docker engine answered " + e.getHttpStatus() + ": " + engineMessage(e),
                    false, e);
        } catch (RuntimeException e) {
            throw new EngineException(unreachableMessage(what, e), true, e);
        }
    }

    /** Like {@link #call}, for calls without a result. */
    void run(String what, Runnable call) throws EngineException {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    /** Whether the engine answers; the exception says why not. */
    void ping() throws EngineException {
        run("ping", () -> quick().pingCmd().exec());
    }

    /** The container, or empty when the engine has none by that ID or name. */
    Optional<InspectContainerResponse> inspect(String idOrName) throws EngineException {
        try {
            return Optional.of(call("inspecting container " + idOrName, () -> quick().inspectContainerCmd(idOrName).exec()));
        } catch (EngineException e) {
            if (e.getCause() instanceof NotFoundException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The image, or empty when the engine does not have it. */
    Optional<InspectImageResponse> image(String ref) throws EngineException {
        try {
            return Optional.of(call("inspecting image " + ref, () -> quick().inspectImageCmd(ref).exec()));
        } catch (EngineException e) {
            if (e.getCause() instanceof NotFoundException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Pulls {@code ref}, waiting at most {@code timeout}. */
    void pull(String ref, Duration timeout) throws EngineException {
        boolean done = call("pulling image " + ref, () -> {
            QuietCallback<PullResponseItem> callback = new QuietCallback<>();
            try {
                return slow().pullImageCmd(ref).exec(callback).awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        && callback.rethrow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        if (!done) {
            throw new EngineException("pulling image " + ref + " took longer than " + timeout.toSeconds() + " s", false,
                    null);
        }
    }

    /** Every container (running or not) carrying all of {@code labels}. */
    List<Container> containers(Map<String, String> labels) throws EngineException {
        return call("listing containers", () -> quick().listContainersCmd().withShowAll(true).withLabelFilter(labels).exec());
    }

    /** Stops the container (SIGTERM, SIGKILL after {@code timeout}); a stopped or missing one is fine. */
    void stop(String id, Duration timeout) throws EngineException {
        try {
            run("stopping container " + id, () -> slow().stopContainerCmd(id)
                    .withTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toSeconds())).exec());
        } catch (EngineException e) {
            if (!(e.getCause() instanceof NotFoundException) && !(e.getCause() instanceof NotModifiedException)) {
                throw e;
            }
        }
    }

    /** Removes the container (killing it if it runs) with its anonymous volumes; a missing one is fine. */
    void remove(String id) throws EngineException {
        try {
            run("removing container " + id, () -> quick().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
        } catch (EngineException e) {
            if (!(e.getCause() instanceof NotFoundException)) {
                throw e;
            }
        }
    }

    /** The engine's inspect JSON of the container, as the engine wrote it; empty when it has no such container. */
    Optional<String> inspectJson(String id) throws EngineException {
        return call("inspecting container " + id, () -> {
            DockerHttpClient.Request request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
                    .path("/containers/" + id + "/json").build();
            try (DockerHttpClient.Response response = clients().quickHttp().execute(request); InputStream body = response.getBody()) {
                String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                if (response.getStatusCode() == 404) {
                    return Optional.<String>empty();
                }
                if (response.getStatusCode() != 200) {
                    throw new IllegalStateException("HTTP " + response.getStatusCode() + ": " + text.strip());
                }
                return Optional.of(text);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /**
     * A callback that keeps a stream's error for the caller instead of logging it at ERROR, as docker-java's own
     * adapter does (a failed pull is the unit's reason, not the agent's error).
     */
    static class QuietCallback<T> extends ResultCallback.Adapter<T> {
        private volatile Throwable error;

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            try {
                close();
            } catch (IOException e) {
                // the stream is gone either way
            }
        }

        /** Returns true, or throws the stream's error as it was. */
        boolean rethrow() {
            Throwable e = error;
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
            return true;
        }
    }

    @Override
    public void close() {
        Clients open;
        synchronized (this) {
            closed = true;
            open = clients;
        }
        if (open == null) {
            return;
        }
        try {
            open.slow().close();
            open.quick().close();
        } catch (IOException e) {
            // Closing sockets to the engine: nothing to do about a failure.
        }
    }

    private String unreachableMessage(String what, RuntimeException e) {
        String root = rootMessage(e);
        String hint = "";
        if (host.startsWith("unix://")) {
            Path socket = Path.of(URI.create(host).getPath());
            if (!Files.exists(socket)) {
                return "cannot reach the Docker engine: its socket " + socket + " does not exist (is dockerd running? "
                        + "set DOCKER_HOST if it listens elsewhere)";
            }
            hint = " (is dockerd running?)";
        }
        return what + ": cannot reach the Docker engine at " + host + ": " + root + hint;
    }

    private static String engineMessage(DockerException e) {
        String m = e.getMessage();
        // docker-java's message is "Status 404: {"message":"..."}"; keep the engine's own words.
        int at = m == null ? -1 : m.indexOf("\"message\":\"");
        if (at >= 0) {
            int end = m.indexOf('"', at + 11);
            while (end > 0 && m.charAt(end - 1) == '\\') {
                end = m.indexOf('"', end + 1);
            }
            if (end > at) {
                return m.substring(at + 11, end).replace("\\\"", "\"");
            }
        }
        return m == null ? e.toString() : m.strip();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip();
    }
}
