package dev.flotilla.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.unit.ServiceSpec;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;

/** Each kind of check against real servers and processes on 127.0.0.1: verdicts and their one-line outputs. */
class HealthCheckerTest {

    private static final String IP = "127.0.0.1";

    private final HealthChecker checker = new HealthChecker();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private int port;

    @BeforeEach
    void serve() throws IOException {
        port = FreePorts.next();
        server = HttpServer.create(new InetSocketAddress(IP, port), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        for (int status : new int[] {200, 204, 301, 429, 503}) {
            server.createContext("/" + status, x -> {
                byte[] body = ("status " + status + "\n").getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(status, status == 204 ? -1 : body.length);
                if (status != 204) {
                    x.getResponseBody().write(body);
                }
                x.close();
            });
        }
        server.createContext("/hang", x -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        checker.close();
    }

    private CheckResult run(String service) {
        String section = "[X-Service]\nName=w\nPort=" + port + "\nCheckTimeout=10s\n" + service;
        ServiceSpec spec = ServiceSpec.parse(UnitFile.parse("w.service", section), new UnitName("w.service"))
                .orElseThrow();
        return checker.run(spec.check().orElseThrow(), spec, IP, Map.of("GREETING", "hello"));
    }

    @Test
    void httpStatusesGiveConsulsVerdicts() {
        assertThat(run("CheckHTTP=/200")).isEqualTo(new CheckResult(ServiceHealth.PASSING, "HTTP 200"));
        assertThat(run("CheckHTTP=/204")).isEqualTo(new CheckResult(ServiceHealth.PASSING, "HTTP 204"));
        assertThat(run("CheckHTTP=/429")).isEqualTo(new CheckResult(ServiceHealth.WARNING, "HTTP 429 (too many requests)"));
        assertThat(run("CheckHTTP=/503"))
                .isEqualTo(new CheckResult(ServiceHealth.CRITICAL, "HTTP 503 is not an expected status"));
        assertThat(run("CheckHTTP=/301").health()).as("redirects are not followed").isEqualTo(ServiceHealth.CRITICAL);
        assertThat(run("CheckHTTP=/301\nCheckExpectStatus=200 301").health()).isEqualTo(ServiceHealth.PASSING);
        assertThat(run("CheckHTTP=/200\nCheckExpectStatus=204").health()).isEqualTo(ServiceHealth.CRITICAL);
        assertThat(run("CheckHTTP=http://" + IP + ":" + port + "/200").health()).isEqualTo(ServiceHealth.PASSING);
    }

    @Test
    void httpBodyDigest() {
        String ok = "e3d4c9f9bd7c0a6c7b4ec0f7bd1e6f5f34d3a6b1";
        CheckResult wrong = run("CheckHTTP=/200\nCheckExpectBodySHA1=" + ok);
        assertThat(wrong.health()).isEqualTo(ServiceHealth.CRITICAL);
        assertThat(wrong.output()).startsWith("HTTP 200, but the body's SHA-1 is ").endsWith("not the expected " + ok);
        String actual = wrong.output().substring("HTTP 200, but the body's SHA-1 is ".length(),
                "HTTP 200, but the body's SHA-1 is ".length() + 40);
        assertThat(run("CheckHTTP=/200\nCheckExpectBodySHA1=" + actual))
                .isEqualTo(new CheckResult(ServiceHealth.PASSING, "HTTP 200, body SHA-1 matches"));
    }

    @Test
    void httpFailuresAreCriticalAndSayWhy() {
        assertThat(run("CheckHTTP=/hang\nCheckTimeout=300ms")).isEqualTo(new CheckResult(ServiceHealth.CRITICAL,
                "GET http://" + IP + ":" + port + "/hang: timed out after 300 ms"));
        int closed = FreePorts.next();
        assertThat(run("CheckHTTP=http://" + IP + ":" + closed + "/")).isEqualTo(new CheckResult(ServiceHealth.CRITICAL,
                "GET http://" + IP + ":" + closed + "/: connection refused"));
    }

    @Test
    void tcpConnects() {
        assertThat(run("CheckTCP=")).isEqualTo(new CheckResult(ServiceHealth.PASSING,
                "TCP connect to " + IP + ":" + port + " succeeded"));
        int closed = FreePorts.next();
        assertThat(run("CheckTCP=" + IP + ":" + closed)).isEqualTo(new CheckResult(ServiceHealth.CRITICAL,
                "TCP connect to " + IP + ":" + closed + ": connection refused"));
    }

    @Test
    void commandsExitStatusIsTheVerdictAndItsFirstLineTheOutput() {
        assertThat(run("CheckCommand=/bin/sh -c 'echo $GREETING; echo second line'"))
                .isEqualTo(new CheckResult(ServiceHealth.PASSING, "exit 0: hello"));
        assertThat(run("CheckCommand=/bin/sh -c 'echo lagging >&2; exit 1'"))
                .isEqualTo(new CheckResult(ServiceHealth.WARNING, "exit 1: lagging"));
        assertThat(run("CheckCommand=/bin/sh -c 'echo PASSWORD=hunter2; exit 2'"))
                .isEqualTo(new CheckResult(ServiceHealth.CRITICAL, "exit 2: PASSWORD=***"));
        assertThat(run("CheckCommand=/bin/sleep 30\nCheckTimeout=300ms"))
                .isEqualTo(new CheckResult(ServiceHealth.CRITICAL, "/bin/sleep: timed out after 300 ms"));
        assertThat(run("CheckCommand=/nonexistent/check").health()).isEqualTo(ServiceHealth.CRITICAL);
        assertThat(new CheckResult(ServiceHealth.PASSING, "x".repeat(600)).output()).hasSize(512).endsWith("...");
        assertThat(Optional.of(run("CheckCommand=/bin/true").output())).contains("exit 0");
    }
}
