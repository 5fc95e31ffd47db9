package dev.flotilla.store.etcd;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How to reach etcd. Immutable; build one with {@link #of(String...)} and the {@code with...}
 * methods.
 *
 * @param endpoints      client URLs of the members, all {@code http://} or all {@code https://}
 *                       (requests are spread over them and fail over between them)
 * @param caFile         PEM CA certificate(s) to trust for {@code https://} endpoints, or null for
 *                       the JDK's default trust store
 * @param clientCertFile PEM client certificate for etcd's {@code --client-cert-auth}, or null
 * @param clientKeyFile  its unencrypted PKCS#8 PEM key ("BEGIN PRIVATE KEY"), or null
 * @param user           etcd user name when etcd's auth is enabled, or null
 * @param password       that user's password, or null
 * @param connectTimeout how long one TCP/TLS connection attempt may take
 * @param requestTimeout the deadline of every request: no call waits longer
 * @param sessionTimeout how long etcd may go without answering before the connection is
 *                       {@link dev.flotilla.store.ConnectionState#LOST LOST}
 */
public record EtcdConfig(List<URI> endpoints, Path caFile, Path clientCertFile, Path clientKeyFile, String user,
                         String password, Duration connectTimeout, Duration requestTimeout,
                         Duration sessionTimeout) {

    /** Default {@link #connectTimeout()}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Default {@link #requestTimeout()}. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link #sessionTimeout()}. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Validates the combination.
     *
     * @throws IllegalArgumentException when there are no endpoints, an endpoint is not an
     *     http(s) URL with a host, schemes are mixed, TLS files are given for http endpoints, a
     *     client certificate comes without its key (or the reverse), a user without a password
     *     (or the reverse), or a timeout is not positive
     */
    public EtcdConfig {
        endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is needed, e.g. http://127.0.0.1:2379");
        }
        for (URI endpoint : endpoints) {
            if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
                    || endpoint.getHost() == null) {
                throw new IllegalArgumentException("etcd endpoint '" + endpoint
                        + "' is not a URL like http://127.0.0.1:2379 or https://etcd-1:2379");
            }
        }
        long https = endpoints.stream().filter(e -> "https".equals(e.getScheme())).count();
        if (https != 0 && https != endpoints.size()) {
            throw new IllegalArgumentException("etcd endpoints mix http:// and https://: " + endpoints);
        }
        if (https == 0 && (caFile != null || clientCertFile != null)) {
            throw new IllegalArgumentException("TLS files are set but the etcd endpoints use http://: use https:// URLs");
        }
        if ((clientCertFile == null) != (clientKeyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs its key file, and a key its certificate");
        }
        if ((user == null) != (password == null) || user != null && user.isBlank()) {
            throw new IllegalArgumentException("an etcd user needs a password, and a password a user name");
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(sessionTimeout, "sessionTimeout");
    }

    /**
     * A configuration for these endpoints with default timeouts, no TLS files and no user.
     *
     * @throws IllegalArgumentException when an endpoint is not a valid URL (see the constructor)
     */
    public static EtcdConfig of(String... endpoints) {
        return new EtcdConfig(Arrays.stream(endpoints).map(EtcdConfig::parse).toList(), null, null, null,
                null, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_SESSION_TIMEOUT);
    }

    private static URI parse(String endpoint) {
        try {
            return URI.create(endpoint.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("etcd endpoint '" + endpoint
                    + "' is not a URL like http://127.0.0.1:2379 or https://etcd-1:2379", e);
        }
    }

    /** A copy with the endpoints of {@link #of(String...)}, e.g. {@code List.of("http://127.0.0.1:2379")}. */
    public static EtcdConfig of(List<String> endpoints) {
        return of(endpoints.toArray(String[]::new));
    }

    /** A copy trusting {@code caFile} (null: JDK default) and presenting the client certificate (both may be null). */
    public EtcdConfig withTls(Path caFile, Path clientCertFile, Path clientKeyFile) {
        return new EtcdConfig(endpoints, caFile, clientCertFile, clientKeyFile, user, password, connectTimeout,
                requestTimeout, sessionTimeout);
    }

    /** A copy authenticating as {@code user}. */
    public EtcdConfig withCredentials(String user, String password) {
        return new EtcdConfig(endpoints, caFile, clientCertFile, clientKeyFile, user, password, connectTimeout,
                requestTimeout, sessionTimeout);
    }

    /** A copy with these timeouts. */
    public EtcdConfig withTimeouts(Duration connectTimeout, Duration requestTimeout, Duration sessionTimeout) {
        return new EtcdConfig(endpoints, caFile, clientCertFile, clientKeyFile, user, password, connectTimeout,
                requestTimeout, sessionTimeout);
    }

    /** Whether the endpoints use TLS. */
    public boolean tls() {
        return "https".equals(endpoints.getFirst().getScheme());
    }

    /** The endpoints as one string for messages, e.g. {@code http://127.0.0.1:2379,http://127.0.0.1:2380}. */
    public String endpointList() {
        return String.join(",", endpoints.stream().map(URI::toString).toList());
    }

    /** Like the record's, but never shows the password. */
    @Override
    public String toString() {
        return "EtcdConfig[endpoints=" + endpointList() + ", caFile=" + caFile + ", clientCertFile=" + clientCertFile
                + ", clientKeyFile=" + clientKeyFile + ", user=" + user + ", password=" + (password == null ? null : "***")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", sessionTimeout=" + sessionTimeout + "]";
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + duration);
        }
    }
}
