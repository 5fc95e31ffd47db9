package dev.flotilla.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

import dev.flotilla.api.ApiToken;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * How an {@link ApiServer} serves: where it listens, how large a page and a request body may be, what
 * answers unit status and journal requests, and the token every request must carry. Immutable; build with
 * {@link #on} and the {@code with...} methods.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1} or the machine's IP
 * @param port the port to bind; 0 picks a free one (see {@link ApiServer#url()})
 * @param pageSize the most items one page of a list holds (fleet used {@value #DEFAULT_PAGE_SIZE})
 * @param maxBodyBytes the largest request body accepted; larger ones get 413
 * @param diagnostics what answers {@code /v1/units/{name}/status} and {@code /journal} (the agent); without
 *     it those answer 501
 * @param token the token every request must carry ({@code Authorization: Bearer TOKEN}), else 401; required
 *     to serve on an address that is not loopback (see {@link ApiServer#start}). Also sent when forwarding
 *     status and journal requests to other agents, so every agent of a cluster uses the same token
 * @param tls when present, the API is served over HTTPS only (and mutual TLS when it names a client CA)
 * @param events the events {@code GET /v1/events} serves; when absent, the server watches its registry for them
 *     itself (and stops doing so when it closes). Dev mode's machines share one: they share one store
 * @param metrics the machine's metrics, which the server adds its own to and serves at {@code GET /metrics}; when
 *     absent, it serves a registry of its own with the API's metrics only
 * @param devMachines a dev cluster's simulated machines, served at {@code /v1/dev/machines}; absent (404) on agents
 */
public record ApiSettings(String host, int port, int pageSize, int maxBodyBytes, Optional<UnitDiagnostics> diagnostics,
        Optional<ApiToken> token, Optional<ApiTls> tls, Optional<ClusterEvents> events,
        Optional<PrometheusMeterRegistry> metrics, Optional<DevMachines> devMachines) {

    /** fleet's page size. */
    public static final int DEFAULT_PAGE_SIZE = 100;
    /**
     * Default request body limit: a unit file of the registry's largest size (1 MiB), sent as options and as
     * text, with JSON escaping, fits.
     */
    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException when the host is blank, the port is outside 0..65535, the page size
     *     outside 1..10000 or the body limit below 1 KiB
     */
    public ApiSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(diagnostics, "diagnostics");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(devMachines, "devMachines");
        if (host.isBlank()) {
            throw new IllegalArgumentException("the API needs an address to listen on");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 0..65535 (0 picks a free port)");
        }
        if (pageSize < 1 || pageSize > 10_000) {
            throw new IllegalArgumentException("page size " + pageSize + " is not in 1..10000");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("a request body limit of " + maxBodyBytes + " bytes is below 1 KiB");
        }
    }

    /**
     * Serving on {@code host:port} with the defaults: pages of 100, bodies up to 4 MiB, no diagnostics, no
     * token (loopback only), plain HTTP.
     */
    public static ApiSettings on(String host, int port) {
        return new ApiSettings(host, port, DEFAULT_PAGE_SIZE, DEFAULT_MAX_BODY_BYTES, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** These settings with pages of {@code size} items. */
    public ApiSettings withPageSize(int size) {
        return new ApiSettings(host, port, size, maxBodyBytes, diagnostics, token, tls, events, metrics, devMachines);
    }

    /** These settings with request bodies limited to {@code bytes}. */
    public ApiSettings withMaxBodyBytes(int bytes) {
        return new ApiSettings(host, port, pageSize, bytes, diagnostics, token, tls, events, metrics, devMachines);
    }

    /** These settings with {@code source} answering unit status and journal requests. */
    public ApiSettings withDiagnostics(UnitDiagnostics source) {
        return new ApiSettings(host, port, pageSize, maxBodyBytes, Optional.of(source), token, tls, events, metrics, devMachines);
    }

    /** These settings with every request needing {@code required} (empty: no token, loopback only). */
    public ApiSettings withToken(Optional<ApiToken> required) {
        return new ApiSettings(host, port, pageSize, maxBodyBytes, diagnostics, required, tls, events, metrics, devMachines);
    }

    /** These settings serving HTTPS as {@code settings} say (empty: plain HTTP). */
    public ApiSettings withTls(Optional<ApiTls> settings) {
        return new ApiSettings(host, port, pageSize, maxBodyBytes, diagnostics, token, settings, events, metrics, devMachines);
    }

    /** These settings serving the events of {@code source} (shared with other servers) instead of watching for them. */
    public ApiSettings withEvents(ClusterEvents source) {
        return new ApiSettings(host, port, pageSize, maxBodyBytes, diagnostics, token, tls, Optional.of(source), metrics, devMachines);
    }

    /** These settings adding the API's metrics to {@code registry} and serving it at {@code GET /metrics}. */
    public ApiSettings withMetrics(PrometheusMeterRegistry registry) {
        return new ApiSettings(host, port, pageSize, maxBodyBytes, diagnostics, token, tls, events, Optional.of(registry), devMachines);
    }

    /** These settings serving {@code /v1/dev/machines} from {@code machines} (dev clusters only). */
    public ApiSettings withDevMachines(DevMachines machines) {
        return new ApiSettings(host, port, pageSize, maxBodyBytes, diagnostics, token, tls, events, metrics,
                Optional.of(machines));
    }

    /** These settings on another address (the same port, token, TLS and the rest). */
    public ApiSettings onHost(String address) {
        return new ApiSettings(address, port, pageSize, maxBodyBytes, diagnostics, token, tls, events, metrics, devMachines);
    }

    /**
     * Whether every address {@code host} names is a loopback address ({@code 127.0.0.0/8}, {@code ::1},
     * {@code localhost}): only processes of this machine can reach a server bound there. The wildcard
     * ({@code 0.0.0.0}, {@code ::}) is not loopback.
     *
     * @throws UnknownHostException when {@code host} does not resolve
     */
    public static boolean isLoopback(String host) throws UnknownHostException {
        for (InetAddress address : InetAddress.getAllByName(host)) {
            if (!address.isLoopbackAddress()) {
                return false;
            }
        }
        return true;
    }
}
