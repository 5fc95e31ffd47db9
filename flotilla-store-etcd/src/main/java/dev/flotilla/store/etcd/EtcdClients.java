package dev.flotilla.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.flotilla.store.StoreException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;

/** Builds jetcd clients from an {@link EtcdConfig}: endpoints, deadlines, retries, TLS, credentials. */
final class EtcdClients {
    /** Large enough for a range over a big registry in one answer (gRPC's default is 4 MiB). */
    private static final int MAX_INBOUND_BYTES = 64 << 20;

    private EtcdClients() {
    }

    /**
     * A jetcd client for {@code config}; it connects lazily, on the first request.
     *
     * @throws StoreException when a TLS file is missing, unreadable or malformed
     */
    static Client build(EtcdConfig config) throws StoreException {
        ClientBuilder builder = Client.builder()
                .endpoints(config.endpoints().toArray(URI[]::new))
                .connectTimeout(config.connectTimeout())
                .waitForReady(false) // fail fast with the real cause (refused, TLS) instead of a bare timeout
                .retryDelay(100).retryMaxDelay(1_000).retryMaxAttempts(2).retryMaxDuration(config.requestTimeout())
                .keepaliveTime(Duration.ofSeconds(10)).keepaliveTimeout(Duration.ofSeconds(5))
                .keepaliveWithoutCalls(false) // etcd answers pings without open streams with GOAWAY
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                .interceptor(new DeadlineInterceptor(config.requestTimeout()));
        if (config.user() != null) {
            builder.user(ByteSequence.from(config.user(), UTF_8)).password(ByteSequence.from(config.password(), UTF_8));
        }
        if (config.tls()) {
            requireReadable(config.caFile(), "CA file");
            requireReadable(config.clientCertFile(), "client certificate file");
            requireReadable(config.clientKeyFile(), "client key file");
            try {
                builder.sslContext(ssl -> {
                    if (config.caFile() != null) {
                        ssl.trustManager(config.caFile().toFile());
                    }
                    if (config.clientCertFile() != null) {
                        ssl.keyManager(config.clientCertFile().toFile(), config.clientKeyFile().toFile());
                    }
                });
            } catch (Exception e) { // SSLException, or IllegalArgumentException for a malformed PEM file
                throw new StoreException("cannot set up TLS for etcd from " + config.caFile() + ", "
                        + config.clientCertFile() + ", " + config.clientKeyFile()
                        + " (PEM files; the key must be unencrypted PKCS#8, \"BEGIN PRIVATE KEY\"): " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    private static void requireReadable(Path file, String what) throws StoreException {
        if (file != null && !Files.isReadable(file)) {
            throw new StoreException("etcd TLS " + what + " " + file + " does not exist or is not readable");
        }
    }
}
