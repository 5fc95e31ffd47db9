package dev.flotilla.lb;

import static dev.flotilla.lb.LbTestSupport.anyPort;
import static dev.flotilla.lb.LbTestSupport.spread;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.testkit.WorkDirs;

/** The tutorial's keys ({@code /services/web/web01/public_ipv4_addr} + {@code port}) in a real etcd, followed live. */
class KeysSourceTest {

    private static EtcdServer etcd;
    private static KvStore store;
    private final List<HttpBackend> backends = new ArrayList<>();
    private LoadBalancer lb;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdServer.startNew();
        store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()));
    }

    @AfterAll
    static void stopEtcd() {
        if (store != null) {
            store.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (lb != null) {
            lb.close();
        }
        for (HttpBackend b : backends) {
            b.close();
        }
    }

    private void register(String prefix, HttpBackend b, String addressKey) throws Exception {
        store.put(prefix + b.name() + "/" + addressKey, b.host().getBytes(UTF_8));
        store.put(prefix + b.name() + "/port", String.valueOf(b.port()).getBytes(UTF_8));
    }

    @Test
    void followsKeysAddedAndRemovedLive() throws Exception {
        String prefix = "/services/web-" + UUID.randomUUID() + "/";
        Path dir = WorkDirs.create("lb-keys");
        HttpBackend web01 = HttpBackend.start(dir, "web01", "127.0.0.21");
        HttpBackend web02 = HttpBackend.start(dir, "web02", "127.0.0.22");
        backends.addAll(List.of(web01, web02));
        register(prefix, web01, "public_ipv4_addr");

        lb = new LoadBalancer(LbConfig.of("web", anyPort(), LbConfig.Mode.HTTP),
                KeysSource.overEtcd(prefix, store, etcd.endpoint()));
        lb.start();
        assertThat(lb.backendsInRotation()).isEqualTo(1);
        assertThat(spread(lb, 4)).containsExactlyEntriesOf(Map.of("web01", 4));

        register(prefix, web02, "host");
        await().atMost(Duration.ofSeconds(30)).until(() -> lb.backendsInRotation() == 2);
        assertThat(spread(lb, 4)).containsExactlyInAnyOrderEntriesOf(Map.of("web01", 2, "web02", 2));

        store.deletePrefix(prefix + "web01/");
        await().atMost(Duration.ofSeconds(30)).until(() -> lb.status().backends().size() == 1);
        assertThat(spread(lb, 4)).containsExactlyEntriesOf(Map.of("web02", 4));
    }

    @Test
    void anEmptyPrefixIsNotAnErrorButWaits() throws Exception {
        String prefix = "/services/none-" + UUID.randomUUID() + "/";
        lb = new LoadBalancer(LbConfig.of("none", anyPort(), LbConfig.Mode.HTTP),
                KeysSource.overEtcd(prefix, store, etcd.endpoint()));
        lb.start();

        assertThat(lb.backendsInRotation()).isZero();
        assertThat(spread(lb, 1)).containsOnlyKeys("HTTP 502");
    }

    @Test
    void anUnreachableEtcdFailsTheStart() throws Exception {
        String endpoint = "http://127.0.0.1:" + FreePorts.next();
        try (KvStore dead = EtcdKvStore.connect(EtcdConfig.of(endpoint)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2)))) {
            LoadBalancer unstarted = new LoadBalancer(LbConfig.of("web", anyPort(), LbConfig.Mode.HTTP),
                    KeysSource.overEtcd("/services/web/", dead, endpoint));
            assertThatThrownBy(unstarted::start).isInstanceOf(BackendSourceException.class)
                    .hasMessageStartingWith("cannot read /services/web/ from etcd at " + endpoint + ": ");
        }
    }

    @Test
    void keysMakeBackendsOnlyWhenBothHalvesArePresent() {
        var backends = KeysSource.backends("/services/web/", Map.of(
                "/services/web/web01/public_ipv4_addr", "10.0.0.1", "/services/web/web01/port", "8080",
                "/services/web/web02/host", "core02", "/services/web/web02/port", "80",
                "/services/web/web03/public_ipv4_addr", "10.0.0.3",
                "/services/web/web04/host", "ignored", "/services/web/web04/public_ipv4_addr", "10.0.0.4",
                "/services/web/web04/port", "81",
                "/services/web/web05/host", "10.0.0.5", "/services/web/web05/port", "eighty"));

        assertThat(backends).containsExactly(new BackendAddress("web01", "10.0.0.1", 8080, true),
                new BackendAddress("web02", "core02", 80, true), new BackendAddress("web04", "10.0.0.4", 81, true));
    }
}
