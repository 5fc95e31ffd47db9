package dev.flotilla.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.TestCerts;
import dev.flotilla.testkit.WorkDirs;

/** TLS end to end: etcd serving a throwaway CA's certificate and requiring client certificates. */
class EtcdTlsTest {
    private static TestCerts certs;
    private static EtcdServer etcd;

    @BeforeAll
    static void startEtcdWithTls() {
        certs = TestCerts.generate(WorkDirs.create("tls"));
        etcd = EtcdServer.startNew(certs.serverTls(true));
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void caAndClientCertificateConnectReadWriteAndWatch() throws StoreException {
        assertThat(etcd.endpoint()).startsWith("https://127.0.0.1:");
        try (EtcdKvStore store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint())
                .withTls(certs.caCert(), certs.clientCert(), certs.clientKey()))) {
            List<WatchEvent> events = new CopyOnWriteArrayList<>();
            try (Watch _ = store.watch("/tls/", true, 0, events::addAll)) {
                long revision = store.put("/tls/k", "secret".getBytes(UTF_8));
                assertThat(store.get("/tls/k").orElseThrow().valueAsString()).isEqualTo("secret");
                await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
                assertThat(events.getFirst().revision()).isEqualTo(revision);
            }
        }
    }

    @Test
    void withoutAClientCertificateTheHandshakeIsRefusedWithAClearError() {
        assertThatThrownBy(() -> EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()).withTls(certs.caCert(), null, null)))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(TransientStoreException.class)
                .hasMessageContaining("TLS handshake with etcd at " + etcd.endpoint() + " failed");
    }

    @Test
    void anUntrustedServerCertificateIsRefusedWithAClearError() {
        // No CA file: the JDK's default trust store does not know the throwaway CA.
        assertThatThrownBy(() -> EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint())
                        .withTls(null, certs.clientCert(), certs.clientKey())))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(TransientStoreException.class)
                .hasMessageContaining("TLS handshake with etcd at " + etcd.endpoint() + " failed");
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Path missing = certs.clientKey().resolveSibling("missing.key");
        assertThat(Files.exists(missing)).isFalse();
        assertThatThrownBy(() -> EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint())
                        .withTls(certs.caCert(), certs.clientCert(), missing)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(missing.toString());
    }
}
