package dev.flotilla.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority with a server certificate for 127.0.0.1/localhost and a
 * client certificate, made with the {@code openssl} command. Keys are EC P-256 in unencrypted
 * PKCS#8 PEM ("BEGIN PRIVATE KEY"), the form both etcd and Netty read. Valid for two days.
 *
 * @param caCert     the CA certificate: trust it on both sides
 * @param serverCert server certificate (subjectAltName IP:127.0.0.1, DNS:localhost)
 * @param serverKey  its key
 * @param clientCert client certificate (CN flotilla-test-client, extended key usage clientAuth)
 * @param clientKey  its key
 */
public record TestCerts(Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

    /**
     * Generates the CA and both certificates into {@code dir} (created when missing).
     *
     * @throws IllegalStateException when openssl is missing or fails (its output is in the message)
     */
    public static TestCerts generate(Path dir) {
        return generate(dir, List.of());
    }

    /**
     * Like {@link #generate(Path)}, the server certificate naming {@code moreIps} too (e.g. the 127.0.0.2 ...
     * of a dev cluster, whose machines share it).
     */
    public static TestCerts generate(Path dir, List<String> moreIps) {
        try {
            Files.createDirectories(dir);
            StringBuilder names = new StringBuilder("IP:127.0.0.1,DNS:localhost");
            moreIps.forEach(ip -> names.append(",IP:").append(ip));
            Path serverExt = Files.writeString(dir.resolve("server.ext"),
                    "subjectAltName=" + names + "\nextendedKeyUsage=serverAuth,clientAuth\n"
                            + "basicConstraints=CA:FALSE\n");
            Path clientExt = Files.writeString(dir.resolve("client.ext"),
                    "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
            TestCerts certs = new TestCerts(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                    dir.resolve("client.crt"), dir.resolve("client.key"));
            openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=flotilla-test-ca");
            sign(dir, "server", "/CN=127.0.0.1", serverExt, 2);
            sign(dir, "client", "/CN=flotilla-test-client", clientExt, 3);
            return certs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write certificates to " + dir, e);
        }
    }

    /** TLS options for an {@link EtcdServer} serving with these certificates. */
    public EtcdTls serverTls(boolean clientCertAuth) {
        return new EtcdTls(serverCert, serverKey, caCert, clientCertAuth);
    }

    private static void sign(Path dir, String name, String subject, Path ext, int serial) {
        openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
        openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-set_serial", Integer.toString(serial), "-days", "2", "-out", name + ".crt",
                "-extfile", ext.getFileName().toString());
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl failed: " + String.join(" ", command) + "\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("openssl not found or not runnable: install Debian's 'openssl' package ("
                    + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }
}
