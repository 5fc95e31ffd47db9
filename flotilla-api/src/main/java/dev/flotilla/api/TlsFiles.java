package dev.flotilla.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS from PEM files, the form openssl, etcd and most tools write: certificates ({@code BEGIN CERTIFICATE},
 * a chain may follow the first) and unencrypted PKCS#8 keys ({@code BEGIN PRIVATE KEY}; EC, RSA or Ed25519).
 * Other key forms are refused with the openssl command that converts them. Used by the API server, by agents
 * forwarding to each other, and by {@link FleetClient}. Stateless.
 */
public final class TlsFiles {

    private static final Pattern KEY = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]*)-----END \\1PRIVATE KEY-----");
    private static final int MAX_FILE_BYTES = 1024 * 1024;

    private TlsFiles() {
    }

    /**
     * A TLS context presenting {@code certFile}/{@code keyFile} (both null: no certificate of its own) and
     * trusting the CA certificates in {@code trustFile} (null: the JDK's trust store).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it: missing, unreadable, not PEM,
     *     no certificate, a key that is encrypted or not PKCS#8, a key that does not match the certificate
     */
    public static SSLContext context(Path certFile, Path keyFile, Path trustFile) {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a certificate needs its key file, and a key file its certificate");
        }
        try {
            KeyManager[] keys = certFile == null ? null : keyManagers(certFile, keyFile);
            TrustManager[] trust = trustFile == null ? null : trustManagers(trustFile);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS with " + describe(certFile, keyFile, trustFile) + ": "
                    + e.getMessage(), e);
        }
    }

    /** The certificates of a PEM file, in order. */
    static List<Certificate> certificates(Path file) {
        byte[] bytes = read(file, "certificate");
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("the certificate file " + file + " holds no certificate "
                        + "(expected PEM: -----BEGIN CERTIFICATE-----)");
            }
            return new ArrayList<>(certs);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the certificate file " + file + " is not a PEM certificate "
                    + "(-----BEGIN CERTIFICATE-----): " + e.getMessage(), e);
        }
    }

    /** The private key of a PEM file: unencrypted PKCS#8, EC, RSA or Ed25519. */
    static PrivateKey privateKey(Path file) {
        String text = new String(read(file, "key"), StandardCharsets.US_ASCII);
        Matcher m = KEY.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("the key file " + file + " holds no PEM private key "
                    + "(expected -----BEGIN PRIVATE KEY-----)");
        }
        String kind = m.group(1).strip();
        if (kind.equals("ENCRYPTED")) {
            throw new IllegalArgumentException("the key file " + file + " is encrypted; decrypt it: openssl pkcs8 -topk8 "
                    + "-nocrypt -in " + file + " -out key.pk8.pem");
        }
        if (!kind.isEmpty()) {
            throw new IllegalArgumentException("the key file " + file + " is in the '" + kind + " PRIVATE KEY' format, "
                    + "not PKCS#8; convert it: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pk8.pem");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key file " + file + " is not valid PEM: " + e.getMessage(), e);
        }
        for (String algorithm : List.of("EC", "RSA", "Ed25519", "EdDSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Try the next algorithm.
            }
        }
        throw new IllegalArgumentException("the key file " + file + " holds a key this JDK cannot read "
                + "(EC, RSA and Ed25519 keys in PKCS#8 are supported)");
    }

    private static KeyManager[] keyManagers(Path certFile, Path keyFile) throws GeneralSecurityException {
        List<Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        if (!belongTogether(key, chain.getFirst().getPublicKey())) {
            throw new IllegalArgumentException("the key file " + keyFile + " does not belong to the certificate "
                    + certFile + " (they are not a pair)");
        }
        KeyStore store = emptyStore();
        char[] password = new char[0];
        store.setKeyEntry("key", key, password, chain.toArray(Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    /** Whether {@code key} signs what {@code publicKey} verifies. */
    private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "flotilla key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static TrustManager[] trustManagers(Path caFile) throws GeneralSecurityException {
        KeyStore store = emptyStore();
        int i = 0;
        for (Certificate c : certificates(caFile)) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create an empty key store", e);
        }
        return store;
    }

    private static byte[] read(Path file, String what) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("the " + what + " file " + file + " is larger than 1 MiB");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the " + what + " file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("the " + what + " file " + file + " is not readable (permission denied)");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the " + what + " file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Path cert, Path key, Path trust) {
        List<String> files = new ArrayList<>();
        if (cert != null) {
            files.add(cert + " and " + key);
        }
        if (trust != null) {
            files.add(trust.toString());
        }
        return String.join(" and ", files);
    }
}
