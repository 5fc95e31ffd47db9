package dev.flotilla.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.testkit.EtcdServer;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

/** User and password end to end, on an etcd with auth enabled (root user). */
class EtcdAuthTest {
    private static final String PASSWORD = "correct horse battery staple";
    private static EtcdServer etcd;

    @BeforeAll
    static void startEtcdWithAuth() throws Exception {
        etcd = EtcdServer.startNew();
        try (Client admin = Client.builder().endpoints(etcd.endpoint()).build()) {
            Auth auth = admin.getAuthClient();
            auth.roleAdd(bytes("root")).get(10, TimeUnit.SECONDS);
            auth.userAdd(bytes("root"), bytes(PASSWORD)).get(10, TimeUnit.SECONDS);
            auth.userGrantRole(bytes("root"), bytes("root")).get(10, TimeUnit.SECONDS);
            auth.authEnable().get(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void theRightPasswordReadsWritesAndWatches() throws StoreException {
        try (EtcdKvStore store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()).withCredentials("root", PASSWORD))) {
            List<WatchEvent> events = new CopyOnWriteArrayList<>();
            try (Watch _ = store.watch("/auth/", true, 0, events::addAll)) {
                store.put("/auth/k", "v".getBytes(UTF_8));
                assertThat(store.get("/auth/k").orElseThrow().valueAsString()).isEqualTo("v");
                await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
            }
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithAClearError() {
        assertThatThrownBy(() -> EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()).withCredentials("root", "wrong")))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(TransientStoreException.class)
                .hasMessageContaining("refused the credentials of user 'root'")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void noCredentialsOnAnEtcdWithAuthSaysSo() {
        assertThatThrownBy(() -> EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint())))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(TransientStoreException.class)
                .hasMessageContaining("requires authentication");
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, UTF_8);
    }
}
