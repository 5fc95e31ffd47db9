package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.testkit.TestCerts;
import dev.flotilla.testkit.WorkDirs;

/**
 * {@code flotilla dev} and {@code flotilla agent} as a user runs them: separate processes, driven by
 * the CLI's fleet commands, stopped with SIGTERM.
 */
class DaemonCommandsIT {

    private static final Pattern API_LINE = Pattern.compile("(?m)^API: (https?://\\S+)$");

    private static List<String> apiLines(CliProcess.Running process, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(process.isAlive()).as("still running; stderr: %s", process.errSoFar()).isTrue();
            return API_LINE.matcher(process.outSoFar()).results().count() >= count;
        });
        return API_LINE.matcher(process.outSoFar()).results().map(m -> m.group(1)).toList();
    }

    private static long processesWith(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)).count();
    }

    private static CliProcess.Result cli(Path dir, String endpoint, String... args) {
        return cli(dir, Map.of("FLOTILLA_ENDPOINT", endpoint), args);
    }

    private static CliProcess.Result cli(Path dir, Map<String, String> env, String... args) {
        return CliProcess.run(CliProcess.Options.defaults().in(dir).env(env).jvm("-Duser.home=" + dir), args);
    }

    @Test
    void anAgentOffLoopbackWithoutATokenStopsAtOnceInOneLine() throws Exception {
        Path dir = WorkDirs.create("agent-no-token");
        String etcd = "http://127.0.0.1:" + FreePorts.next();
        for (String api : List.of("192.0.2.10:7070", "0.0.0.0:0")) {
            long start = System.nanoTime();
            CliProcess.Result r = cli(dir, Map.of(), "agent", "--etcd", etcd, "--ip", "192.0.2.10", "--api", api,
                    "--data-dir", dir.resolve("data").toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("flotilla agent: --api " + api + " is not a loopback address, and an API other "
                    + "machines reach needs a token: pass --token-file FILE or set FLOTILLA_TOKEN, or serve it on "
                    + "127.0.0.1 (docs/security.md)\n");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
        CliProcess.Result badTls = cli(dir, Map.of("FLOTILLA_TOKEN", "1".repeat(32)), "agent", "--etcd", etcd,
                "--ip", "192.0.2.10", "--api", "0.0.0.0:0", "--tls-cert-file", dir.resolve("none.crt").toString(),
                "--tls-key-file", dir.resolve("none.key").toString());
        assertThat(badTls.exitCode()).isEqualTo(2);
        assertThat(badTls.err()).isEqualTo("flotilla agent: the certificate file " + dir.resolve("none.crt")
                + " does not exist\n");
    }

    @Test
    void devModeWithATokenAndMutualTlsServesOnlyClientsWithBoth() throws Exception {
        Path dir = WorkDirs.create("dev-secure");
        TestCerts certs = TestCerts.generate(dir.resolve("tls"), List.of("127.0.0.2", "127.0.0.3", "127.0.0.4"));
        String token = "3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a";
        Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
        String marker = "4545" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        Files.writeString(dir.resolve("web@.service"), """
                [Service]
                Environment=API_KEY=k3y-MARKER
                ExecStart=/bin/sh -c 'echo web %i has API_KEY=$${API_KEY}; exec sleep MARKER'

                [X-Fleet]
                Conflicts=web@*.service
                """.replace("MARKER", marker));
        CliProcess.Running dev = CliProcess.start(CliProcess.Options.defaults().in(dir), "dev", "--machines", "3",
                "--api-port", "0", "--data-dir", dir.resolve("data").toString(), "--token-file", tokenFile.toString(),
                "--tls-cert-file", certs.serverCert().toString(), "--tls-key-file", certs.serverKey().toString(),
                "--tls-client-ca-file", certs.caCert().toString());
        try {
            List<String> apis = apiLines(dev, 3);
            assertThat(apis).allMatch(api -> api.startsWith("https://127.0.0."));
            Map<String, String> client = Map.of("FLOTILLA_ENDPOINT", apis.getFirst(), "FLOTILLA_TOKEN", token,
                    "FLOTILLA_CA_FILE", certs.caCert().toString(), "FLOTILLA_CERT_FILE", certs.clientCert().toString(),
                    "FLOTILLA_KEY_FILE", certs.clientKey().toString());

            CliProcess.Result start = cli(dir, client, "start", "web@1.service", "web@2.service", "web@3.service");
            assertThat(start.exitCode()).as(start.toString()).isZero();
            for (String unit : List.of("web@1.service", "web@2.service", "web@3.service")) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    CliProcess.Result status = cli(dir, client, "status", unit);
                    assertThat(status.exitCode()).as(status.toString()).isZero();
                    assertThat(status.out()).contains("has API_KEY=***").doesNotContain("k3y-" + marker);
                });
            }

            Map<String, String> noToken = new java.util.HashMap<>(client);
            noToken.remove("FLOTILLA_TOKEN");
            CliProcess.Result refused = cli(dir, noToken, "list-machines");
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("needs a token");
            Map<String, String> noCertificate = new java.util.HashMap<>(client);
            noCertificate.remove("FLOTILLA_CERT_FILE");
            noCertificate.remove("FLOTILLA_KEY_FILE");
            assertThat(cli(dir, noCertificate, "list-machines").exitCode()).isEqualTo(2);
        } finally {
            dev.terminate();
            dev.await();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> processesWith("sleep " + marker) == 0);
    }

    @Test
    void devModeRunsTheTutorialsWebTierAndCtrlCLeavesNoProcessBehind() throws Exception {
        Path dir = WorkDirs.create("dev-mode");
        String marker = "4242" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        Files.writeString(dir.resolve("web@.service"), """
                [Unit]
                Description=Web %i

                [Service]
                ExecStart=/bin/sh -c 'echo web %i on ${COREOS_PUBLIC_IPV4}; exec sleep MARKER'
                Restart=always
                """.replace("MARKER", marker));
        CliProcess.Running dev = CliProcess.start(CliProcess.Options.defaults().in(dir),
                "dev", "--machines", "3", "--api-port", "0", "--data-dir", dir.resolve("data").toString());
        try {
            List<String> apis = apiLines(dev, 3);
            assertThat(apis).hasSize(3);
            String endpoint = apis.getFirst();
            assertThat(cli(dir, endpoint, "list-machines", "--no-legend").out().lines()).hasSize(3);

            CliProcess.Result start = cli(dir, endpoint, "start", "web@1.service", "web@2.service", "web@3.service",
                    "web@4.service", "web@5.service", "web@6.service");
            assertThat(start.exitCode()).as(start.toString()).isZero();
            assertThat(start.out().lines()).hasSize(6).allMatch(line -> line.matches(
                    "Unit web@\\d\\.service launched on [0-9a-f]{8}\\.\\.\\./127\\.0\\.0\\.[234]"));

            CliProcess.Result units = cli(dir, endpoint, "list-units", "--no-legend");
            List<String> rows = units.out().lines().toList();
            assertThat(rows).hasSize(6).allMatch(row -> row.endsWith("\tactive\trunning"));
            assertThat(rows.stream().map(row -> row.split("\t+")[1]).distinct()).hasSize(3);
            assertThat(processesWith("sleep " + marker)).isGreaterThanOrEqualTo(6);
        } finally {
            dev.terminate();
            dev.await();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> processesWith("sleep " + marker) == 0);
    }

    @Test
    void twoAgentsOnEtcdFormAClusterAndRunUnits() throws Exception {
        Path dir = WorkDirs.create("agents");
        String marker = "4343" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        Files.writeString(dir.resolve("hello.service"), """
                [Service]
                ExecStart=/bin/sh -c 'echo hello; exec sleep MARKER'
                """.replace("MARKER", marker));
        try (EtcdServer etcd = EtcdServer.startNew()) {
            CliProcess.Running a = CliProcess.start(CliProcess.Options.defaults().in(dir), "agent",
                    "--etcd", etcd.endpoint(), "--ip", "127.0.0.21", "--api", "127.0.0.21:0",
                    "--metadata", "role=front", "--data-dir", dir.resolve("a").toString());
            CliProcess.Running b = CliProcess.start(CliProcess.Options.defaults().in(dir), "agent",
                    "--etcd", etcd.endpoint(), "--ip", "127.0.0.22", "--api", "127.0.0.22:0",
                    "--metadata", "role=back", "--data-dir", dir.resolve("b").toString());
            try {
                String endpoint = apiLines(a, 1).getFirst();
                apiLines(b, 1);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> cli(dir, endpoint, "list-machines", "--no-legend").out().lines().count() == 2);
                CliProcess.Result machines = cli(dir, endpoint, "list-machines");
                assertThat(machines.out()).contains("127.0.0.21\trole=front").contains("127.0.0.22\trole=back");

                CliProcess.Result start = cli(dir, endpoint, "start", "hello.service");
                assertThat(start.exitCode()).as(start.toString()).isZero();
                Matcher launched = Pattern.compile("launched on [0-9a-f]{8}\\.\\.\\./(127\\.0\\.0\\.2[12])")
                        .matcher(start.out());
                assertThat(launched.find()).as(start.out()).isTrue();
                assertThat(processesWith("sleep " + marker)).isPositive();

                CliProcess.Result destroy = cli(dir, endpoint, "destroy", "hello.service");
                assertThat(destroy.out()).isEqualTo("Destroyed hello.service\n");
                await().atMost(Duration.ofSeconds(30)).until(() -> processesWith("sleep " + marker) == 0);
            } finally {
                a.terminate();
                b.terminate();
                a.await();
                b.await();
            }
        }
    }
}
