package dev.flotilla.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.etcd.jetcd.Client;

class ReconnectBackoffTest {

    @Test
    void jetcdsChannelIsReachableSoReconnectsDoNotWaitForGrpcsBackoff() {
        try (Client client = Client.builder().endpoints("http://127.0.0.1:1").build()) {
            Optional<Runnable> resetter = ReconnectBackoff.resetter(client);
            assertThat(resetter).as("jetcd internals changed: see ReconnectBackoff").isPresent();
            resetter.orElseThrow().run();
        }
    }
}
