package dev.flotilla.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.flotilla.store.ConnectionState;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;
import dev.flotilla.testkit.FreePorts;

/** No etcd at all: requests fail fast and transiently, and nothing hangs. */
class EtcdUnreachableTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration SLACK = Duration.ofMillis(700);

    @Test
    void aClosedPortFailsTransientlyWithinTheRequestTimeoutNamingTheEndpoint() throws StoreException {
        String endpoint = "http://127.0.0.1:" + FreePorts.next();
        try (EtcdKvStore store = EtcdKvStore.connect(EtcdConfig.of(endpoint)
                .withTimeouts(Duration.ofSeconds(1), REQUEST_TIMEOUT, Duration.ofSeconds(1)))) {
            assertThat(store.connectionState()).isEqualTo(ConnectionState.SUSPENDED);
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.put("/k", "v".getBytes(UTF_8)))
                    .isInstanceOf(TransientStoreException.class)
                    .hasMessageContaining(endpoint);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(REQUEST_TIMEOUT.plus(SLACK));
            await().atMost(Duration.ofSeconds(5)).until(() -> store.connectionState() == ConnectionState.LOST);
        }
    }

    @Test
    void aServerThatNeverAnswersFailsEveryCallWithinTheRequestTimeout() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // accepts, then never says a word
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            String endpoint = "http://127.0.0.1:" + silent.getLocalPort();
            long connectStart = System.nanoTime();
            try (EtcdKvStore store = EtcdKvStore.connect(EtcdConfig.of(endpoint)
                    .withTimeouts(Duration.ofSeconds(1), REQUEST_TIMEOUT, Duration.ofSeconds(2)))) {
                assertThat(Duration.ofNanos(System.nanoTime() - connectStart)).isLessThan(REQUEST_TIMEOUT.plus(SLACK));
                assertThat(store.connectionState()).isEqualTo(ConnectionState.SUSPENDED);
                for (ThrowingCall call : List.<ThrowingCall>of(
                        () -> store.get("/k"),
                        () -> store.put("/k", new byte[0]),
                        () -> store.grantLease(Duration.ofSeconds(5)),
                        () -> store.keepAliveOnce(1),
                        () -> store.watch("/k", false, 0, events -> { }))) {
                    long start = System.nanoTime();
                    assertThatThrownBy(call::run).isInstanceOf(TransientStoreException.class)
                            .hasMessageContaining(endpoint);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(REQUEST_TIMEOUT.plus(SLACK));
                }
            }
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws StoreException;
    }
}
