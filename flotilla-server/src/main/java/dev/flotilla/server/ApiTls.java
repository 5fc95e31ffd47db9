package dev.flotilla.server;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS for an {@link ApiServer} (docs/security.md): the server's certificate and key (PEM; the key unencrypted
 * PKCS#8), and optionally a CA whose certificates clients must present (mutual TLS: a client without one is
 * refused in the handshake). The agent also uses them when it forwards a request to another agent: it
 * presents its certificate, and trusts {@code peerCaFile} (else {@code clientCaFile}, else the JDK's trust
 * store) for the other agent's. Immutable; the files are read when the server starts.
 *
 * @param certFile the server's certificate chain; it must name the address clients use (an IP needs an IP
 *     subjectAltName)
 * @param keyFile its private key
 * @param clientCaFile when present, clients must present a certificate signed by a CA in this file
 * @param peerCaFile the CA that signed the other agents' certificates, when not {@code clientCaFile}
 */
public record ApiTls(Path certFile, Path keyFile, Optional<Path> clientCaFile, Optional<Path> peerCaFile) {

    public ApiTls {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(clientCaFile, "clientCaFile");
        Objects.requireNonNull(peerCaFile, "peerCaFile");
    }

    /** TLS with this certificate and key, no client certificates asked for. */
    public static ApiTls of(Path certFile, Path keyFile) {
        return new ApiTls(certFile, keyFile, Optional.empty(), Optional.empty());
    }

    /** This TLS, demanding client certificates signed by {@code caFile}. */
    public ApiTls withClientCa(Path caFile) {
        return new ApiTls(certFile, keyFile, Optional.of(caFile), peerCaFile);
    }

    /** This TLS, trusting {@code caFile} for other agents' certificates when forwarding. */
    public ApiTls withPeerCa(Path caFile) {
        return new ApiTls(certFile, keyFile, clientCaFile, Optional.of(caFile));
    }

    /** The CA file trusted for other agents' certificates: {@code peerCaFile}, else {@code clientCaFile}. */
    public Optional<Path> trustedForPeers() {
        return peerCaFile.or(() -> clientCaFile);
    }
}
