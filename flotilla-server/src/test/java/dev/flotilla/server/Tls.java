package dev.flotilla.server;

import java.net.http.HttpClient;
import java.nio.file.Path;

import javax.net.ssl.SSLContext;

import dev.flotilla.api.TlsFiles;
import dev.flotilla.testkit.TestCerts;
import dev.flotilla.testkit.WorkDirs;

/** One throwaway CA with server and client certificates for the TLS tests of this module, made once. */
final class Tls {

    private static TestCerts certs;

    private Tls() {
    }

    static synchronized TestCerts certs() {
        if (certs == null) {
            certs = TestCerts.generate(WorkDirs.create("api-tls"));
        }
        return certs;
    }

    /** An HTTP client trusting the test CA, presenting the client certificate when {@code withCertificate}. */
    static HttpClient client(boolean withCertificate) {
        TestCerts c = certs();
        SSLContext context = TlsFiles.context(withCertificate ? c.clientCert() : null,
                withCertificate ? c.clientKey() : null, c.caCert());
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context).build();
    }

    /** The server's TLS with the test certificates, mutual when {@code clientCa}. */
    static ApiTls server(boolean clientCa) {
        TestCerts c = certs();
        ApiTls tls = ApiTls.of(c.serverCert(), c.serverKey());
        return clientCa ? tls.withClientCa(c.caCert()) : tls;
    }

    static Path dir() {
        return certs().caCert().getParent();
    }
}
