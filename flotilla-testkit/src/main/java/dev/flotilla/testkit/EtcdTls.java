package dev.flotilla.testkit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for an {@link EtcdServer}'s client port (peers stay plain on loopback).
 *
 * @param certFile       the server certificate (PEM); it must name 127.0.0.1
 * @param keyFile        its private key (PEM)
 * @param caFile         the CA that signed client certificates (PEM)
 * @param clientCertAuth whether clients must present a certificate signed by {@code caFile}
 */
public record EtcdTls(Path certFile, Path keyFile, Path caFile, boolean clientCertAuth) {
    public EtcdTls {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(caFile, "caFile");
    }
}
