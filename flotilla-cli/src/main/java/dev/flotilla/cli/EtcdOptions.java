package dev.flotilla.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine.Option;

/**
 * The options every command that talks to etcd directly shares. Secrets never come from the
 * command line (where {@code ps} shows them): the password is read from the environment or a file.
 * Holds no store type (see {@link KvCommand}); {@link KvOperations} connects.
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

    @Option(names = "--etcd-password-file", paramLabel = "FILE",
            description = "File holding the etcd user's password (surrounding whitespace dropped).")
    Path passwordFile;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "Give up on etcd after this many seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** The etcd endpoints: the flag, else {@code $FLOTILLA_ETCD}, else {@value #DEFAULT_ENDPOINT}. */
    List<String> urls() {
        if (endpoints != null && !endpoints.isEmpty()) {
            return endpoints;
        }
        String env = System.getenv("FLOTILLA_ETCD");
        return List.of((env == null || env.isBlank() ? DEFAULT_ENDPOINT : env).split(","));
    }

    /** The user to authenticate as (the flag, else {@code $FLOTILLA_ETCD_USER}); null for none. */
    String userName() {
        String name = user != null ? user : System.getenv("FLOTILLA_ETCD_USER");
        return name == null || name.isBlank() ? null : name;
    }

    /** Whether TLS files were given. */
    boolean tls() {
        return caFile != null || certFile != null || keyFile != null;
    }

    String password(String name) {
        if (passwordFile != null) {
            try {
                String password = Files.readString(readable(passwordFile, "--etcd-password-file"), StandardCharsets.UTF_8)
                        .strip();
                if (password.isEmpty()) {
                    throw new CliException(ExitCodes.USAGE, "--etcd-password-file " + passwordFile + " is empty");
                }
                return password;
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read --etcd-password-file " + passwordFile + ": " + e.getMessage());
            }
        }
        String env = System.getenv("FLOTILLA_ETCD_PASSWORD");
        if (env == null || env.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "etcd user " + name
                    + " needs a password: set FLOTILLA_ETCD_PASSWORD or pass --etcd-password-file");
        }
        return env;
    }

    static Path readable(Path file, String option) {
        if (file != null && !Files.isReadable(file)) {
            throw new CliException(ExitCodes.USAGE, option + " " + file + " does not exist or is not readable");
        }
        return file;
    }
}
