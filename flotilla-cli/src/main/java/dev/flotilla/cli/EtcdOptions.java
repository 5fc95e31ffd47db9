package dev.flotilla.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to etcd directly shares. Secrets never come from the
 * command line (where {@code ps} shows them): the password is read from the environment or a file.
 */
final class EtcdOptions {

    static final String DEFAULT_ENDPOINT = "http://127.0.0.1:2379";

    @Option(names = "--etcd", paramLabel = "URL[,URL...]", split = ",",
            description = "etcd client endpoints (default: $FLOTILLA_ETCD, else " + DEFAULT_ENDPOINT + ").")
    List<String> endpoints;

    @Option(names = "--etcd-ca-file", paramLabel = "FILE",
            description = "CA certificate (PEM) that signed etcd's server certificate; needs https:// endpoints.")
    Path caFile;

    @Option(names = "--etcd-cert-file", paramLabel = "FILE", description = "Client certificate (PEM) for etcd.")
    Path certFile;

    @Option(names = "--etcd-key-file", paramLabel = "FILE", description = "Client key (PKCS#8 PEM) for etcd.")
    Path keyFile;

    @Option(names = "--etcd-user", paramLabel = "NAME",
            description = "etcd user (default: $FLOTILLA_ETCD_USER); the password comes from "
                    + "$FLOTILLA_ETCD_PASSWORD or --etcd-password-file.")
    String user;

    @Option(names = "--etcd-password-file", paramLabel = "FILE", description = "File holding the etcd user's password.")
    Path passwordFile;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "Give up on etcd after this many seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** The configuration these options describe, with defaults and environment filled in. */
    EtcdConfig config() {
        List<String> urls = endpoints;
        if (urls == null || urls.isEmpty()) {
            String env = System.getenv("FLOTILLA_ETCD");
            urls = List.of((env == null || env.isBlank() ? DEFAULT_ENDPOINT : env).split(","));
        }
        if (timeoutSeconds < 1) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be at least 1 second; got " + timeoutSeconds);
        }
        try {
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            EtcdConfig config = EtcdConfig.of(urls).withTimeouts(timeout, timeout, timeout.multipliedBy(2));
            if (caFile != null || certFile != null || keyFile != null) {
                config = config.withTls(readable(caFile, "--etcd-ca-file"), readable(certFile, "--etcd-cert-file"),
                        readable(keyFile, "--etcd-key-file"));
            }
            String name = user != null ? user : System.getenv("FLOTILLA_ETCD_USER");
            if (name != null && !name.isBlank()) {
                config = config.withCredentials(name, password(name));
            }
            return config;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** Connects to etcd; the caller closes the store. */
    KvStore open() throws StoreException {
        return EtcdKvStore.connect(config());
    }

    private String password(String name) {
        if (passwordFile != null) {
            try {
                return Files.readString(readable(passwordFile, "--etcd-password-file"), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read --etcd-password-file " + passwordFile + ": " + e.getMessage());
            }
        }
        String env = System.getenv("FLOTILLA_ETCD_PASSWORD");
        if (env == null) {
            throw new CliException(ExitCodes.USAGE, "etcd user " + name
                    + " needs a password: set FLOTILLA_ETCD_PASSWORD or pass --etcd-password-file");
        }
        return env;
    }

    private static Path readable(Path file, String option) {
        if (file != null && !Files.isReadable(file)) {
            throw new CliException(ExitCodes.USAGE, option + " " + file + " does not exist or is not readable");
        }
        return file;
    }
}
