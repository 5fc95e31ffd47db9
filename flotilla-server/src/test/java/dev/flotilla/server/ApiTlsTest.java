package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLException;

import org.junit.jupiter.api.Test;

import dev.flotilla.api.ApiToken;
import dev.flotilla.testkit.TestCerts;

/**
 * The API over HTTPS with the testkit's throwaway CA: clients that trust it are served; plain HTTP, clients
 * that do not trust it, and (with a client CA) clients without a certificate are refused in the handshake.
 * TLS files that cannot work are refused at start, naming the file.
 */
class ApiTlsTest extends ApiTestBase {

    private static final ApiToken TOKEN = ApiToken.of(ApiAuthTest.TOKEN, "test");

    @Override
    ApiSettings settings() {
        return ApiSettings.on("127.0.0.1", 0).withToken(Optional.of(TOKEN)).withTls(Optional.of(Tls.server(false)));
    }

    @Override
    Http client(ApiServer started) {
        return new Http(started.url(), TOKEN.header(), Tls.client(false));
    }

    private static int get(HttpClient client, URI url) throws Exception {
        return client.send(HttpRequest.newBuilder(url).header("Authorization", TOKEN.header())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void servesHttpsToClientsTrustingItsCa() {
        assertThat(server.url().toString()).startsWith("https://127.0.0.1:");
        Http.Response r = http.put("/fleet/v1/units/a.service", optionsBody("Service", "ExecStart", "/bin/true"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(http.get("/fleet/v1/units/a.service").status()).isEqualTo(200);
    }

    @Test
    void plainHttpAndUntrustingClientsGetNothing() {
        URI plain = URI.create("http://127.0.0.1:" + server.port() + "/fleet/v1/units");
        try (HttpClient client = HttpClient.newHttpClient()) {
            assertThatThrownBy(() -> get(client, plain)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> get(client, URI.create(server.url() + "/fleet/v1/units")))
                    .isInstanceOf(SSLException.class);
        }
    }

    @Test
    void withAClientCaOnlyClientsWithACertificateAreServed() throws Exception {
        try (ApiServer mutual = ApiServer.start(cluster.registry, settings().withTls(Optional.of(Tls.server(true))));
                HttpClient without = Tls.client(false); HttpClient with = Tls.client(true)) {
            URI units = URI.create(mutual.url() + "/fleet/v1/units");
            assertThatThrownBy(() -> get(without, units)).isInstanceOf(IOException.class);
            assertThat(get(with, units)).isEqualTo(200);
        }
    }

    @Test
    void tlsFilesThatCannotWorkAreRefusedAtStartNamingTheFile() throws Exception {
        TestCerts c = Tls.certs();
        Path missing = Tls.dir().resolve("missing.key");
        Path sec1 = Files.writeString(Tls.dir().resolve("sec1.key"),
                "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n");
        Path notPem = Files.writeString(Tls.dir().resolve("not-pem.crt"), "hello\n");
        assertThatThrownBy(() -> start(ApiTls.of(c.serverCert(), missing)))
                .hasMessage("the key file " + missing + " does not exist");
        assertThatThrownBy(() -> start(ApiTls.of(c.serverCert(), sec1)))
                .hasMessage("the key file " + sec1 + " is in the 'EC PRIVATE KEY' format, not PKCS#8; convert it: "
                        + "openssl pkcs8 -topk8 -nocrypt -in " + sec1 + " -out key.pk8.pem");
        assertThatThrownBy(() -> start(ApiTls.of(c.serverCert(), c.clientKey())))
                .hasMessage("the key file " + c.clientKey() + " does not belong to the certificate " + c.serverCert()
                        + " (they are not a pair)");
        assertThatThrownBy(() -> start(ApiTls.of(notPem, c.serverKey())))
                .hasMessageStartingWith("the certificate file " + notPem + " ");
        assertThatThrownBy(() -> start(Tls.server(false).withClientCa(notPem)))
                .hasMessageStartingWith("the certificate file " + notPem + " ");
    }

    private void start(ApiTls tls) throws IOException {
        ApiServer.start(cluster.registry, settings().withTls(Optional.of(tls))).close();
    }
}
