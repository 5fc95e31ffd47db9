package dev.flotilla.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * How {@code agent} and {@code dev} protect the API they serve (docs/security.md): the token every request
 * must carry, and TLS. Paths only: the files are read by {@link DaemonLauncher}, so that picocli's reflection
 * loads no server class for the fleet commands. The token is never a flag value ({@code ps} would show it).
 */
final class ServeOptions {

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding the token every API request must carry (default: $FLOTILLA_TOKEN; none: the "
                    + "API may only listen on loopback).")
    Path tokenFile;

    @Option(names = "--tls-cert-file", paramLabel = "FILE",
            description = "Certificate (PEM) to serve the API over HTTPS with; it must name the API's address.")
    Path certFile;

    @Option(names = "--tls-key-file", paramLabel = "FILE",
            description = "The certificate's key (unencrypted PKCS#8 PEM).")
    Path keyFile;

    @Option(names = "--tls-client-ca-file", paramLabel = "FILE",
            description = "CA certificate (PEM): clients must present a certificate it signed (mutual TLS).")
    Path clientCaFile;

    @Option(names = "--tls-peer-ca-file", paramLabel = "FILE",
            description = "CA certificate (PEM) that signed the other agents' API certificates, trusted when "
                    + "forwarding status and journal requests (default: --tls-client-ca-file, else the JDK's).")
    Path peerCaFile;
}
