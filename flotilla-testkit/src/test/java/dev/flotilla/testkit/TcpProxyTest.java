package dev.flotilla.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy forwards, black-holes (accepting, forwarding nothing), restores and drops connections. */
class TcpProxyTest {

    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void echoServer() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofPlatform().daemon().start(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // client gone
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = TcpProxy.to("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void close() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 5_000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String exchange(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        return read(s, text.length());
    }

    private static String read(Socket s, int length) throws IOException {
        byte[] buffer = s.getInputStream().readNBytes(length);
        return new String(buffer, StandardCharsets.UTF_8);
    }

    @Test
    void forwardsBothWays() throws IOException {
        try (Socket s = connect()) {
            assertThat(exchange(s, "hello")).isEqualTo("hello");
            assertThat(proxy.url("http")).isEqualTo("http://127.0.0.1:" + proxy.port());
        }
    }

    @Test
    void aBlackHoleAcceptsButForwardsNothingUntilRestoredThenTheHeldBytesFlow() throws IOException {
        try (Socket before = connect()) {
            assertThat(exchange(before, "one")).isEqualTo("one");
            proxy.blackhole();
            assertThat(proxy.isBlackholed()).isTrue();
            before.getOutputStream().write("two".getBytes(StandardCharsets.UTF_8));
            try (Socket during = connect()) {
                during.getOutputStream().write("three".getBytes(StandardCharsets.UTF_8));
                during.setSoTimeout(300);
                before.setSoTimeout(300);
                assertThatThrownBy(() -> read(during, 5)).isInstanceOf(SocketTimeoutException.class);
                assertThatThrownBy(() -> read(before, 3)).isInstanceOf(SocketTimeoutException.class);

                proxy.restore();
                during.setSoTimeout(10_000);
                before.setSoTimeout(10_000);
                assertThat(read(before, 3)).isEqualTo("two");
                assertThat(read(during, 5)).isEqualTo("three");
            }
        }
    }

    @Test
    void droppedConnectionsAreClosedAndNewOnesWork() throws IOException {
        try (Socket s = connect()) {
            assertThat(exchange(s, "x")).isEqualTo("x");
            proxy.dropConnections();
            await().atMost(Duration.ofSeconds(10)).until(() -> s.getInputStream().read() == -1);
        }
        try (Socket again = connect()) {
            assertThat(exchange(again, "y")).isEqualTo("y");
        }
    }

    @Test
    void etcdBehindABlackHoleDoesNotAnswerAndAnswersOnceRestored() throws Exception {
        try (EtcdServer etcd = EtcdServer.startNew(); TcpProxy toEtcd = TcpProxy.to("127.0.0.1", etcd.clientPort())) {
            String endpoint = toEtcd.url("http");
            EtcdGateway.put(endpoint, "k", "v1");
            toEtcd.blackhole();
            assertThatThrownBy(() -> EtcdGateway.put(endpoint, "held", "v2")).isInstanceOf(IOException.class);
            assertThat(EtcdGateway.get(etcd.endpoint(), "k")).as("others still reach etcd").contains("v1");
            toEtcd.restore();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> EtcdGateway.put(endpoint, "k", "v3"));
            assertThat(EtcdGateway.get(endpoint, "k")).contains("v3");
        }
    }
}
