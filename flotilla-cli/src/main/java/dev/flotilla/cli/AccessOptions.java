package dev.flotilla.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * How the fleet commands prove themselves to the API and check it (docs/security.md): the token, and for
 * {@code https://} endpoints the CA and an optional client certificate. Given after the command or before it
 * ({@code flotilla --token-file F list-units}); the token is never a flag value, so {@code ps} never shows it.
 */
final class AccessOptions {

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding the API token (default: $FLOTILLA_TOKEN, else ~/.flotilla/token if it exists).")
    Path tokenFile;

    @Option(names = "--ca-file", paramLabel = "FILE",
            description = "CA certificate (PEM) that signed the agent's certificate, for https:// endpoints "
                    + "(default: $FLOTILLA_CA_FILE, else $FLEETCTL_CA_FILE, else the JDK's trust store).")
    Path caFile;

    @Option(names = "--cert-file", paramLabel = "FILE",
            description = "Client certificate (PEM), when the agent demands one (default: $FLOTILLA_CERT_FILE, else "
                    + "$FLEETCTL_CERT_FILE).")
    Path certFile;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "The client certificate's key (unencrypted PKCS#8 PEM) (default: $FLOTILLA_KEY_FILE, else "
                    + "$FLEETCTL_KEY_FILE).")
    Path keyFile;

    /** The token file used when neither {@code --token-file} nor {@code $FLOTILLA_TOKEN} says. */
    static Path defaultTokenFile() {
        return Path.of(System.getProperty("user.home"), ".flotilla", "token");
    }

    /** Whether the default token file is there to be read. */
    static boolean hasDefaultTokenFile() {
        return Files.exists(defaultTokenFile());
    }
}
