package dev.flotilla.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.TestCerts;
import dev.flotilla.testkit.WorkDirs;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;

/**
 * {@code flotilla kv} and {@code flotilla agent} against a real etcd that demands TLS with client
 * certificates and a user with a password (auth enabled, the user granted read-write on every key). The
 * password only ever travels in the environment or a file: never on a command line.
 */
class EtcdSecurityIT {

    private static final String PASSWORD = "etcd-pw-7f3a91c2";
    private static EtcdServer etcd;
    private static TestCerts certs;
    private static Path dir;

    @BeforeAll
    static void startEtcdWithTlsAndAuth() throws Exception {
        dir = WorkDirs.create("etcd-security");
        certs = TestCerts.generate(dir.resolve("tls"));
        etcd = EtcdServer.startNew(certs.serverTls(true));
        try (Client admin = Client.builder().endpoints(etcd.endpoint())
                .sslContext(ssl -> ssl.trustManager(certs.caCert().toFile())
                        .keyManager(certs.clientCert().toFile(), certs.clientKey().toFile()))
                .build()) {
            Auth auth = admin.getAuthClient();
            auth.roleAdd(bytes("root")).get(10, TimeUnit.SECONDS);
            auth.userAdd(bytes("root"), bytes("root-" + PASSWORD)).get(10, TimeUnit.SECONDS);
            auth.userGrantRole(bytes("root"), bytes("root")).get(10, TimeUnit.SECONDS);
            auth.roleAdd(bytes("flotilla")).get(10, TimeUnit.SECONDS);
            auth.roleGrantPermission(bytes("flotilla"), bytes("\0"), bytes("\0"), Permission.Type.READWRITE)
                    .get(10, TimeUnit.SECONDS);
            auth.userAdd(bytes("flotilla"), bytes(PASSWORD)).get(10, TimeUnit.SECONDS);
            auth.userGrantRole(bytes("flotilla"), bytes("flotilla")).get(10, TimeUnit.SECONDS);
            auth.authEnable().get(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, UTF_8);
    }

    /** The etcd flags: https endpoint, CA, client certificate and key, and (when not null) the user. */
    private static List<String> etcdFlags(String user) {
        List<String> flags = new ArrayList<>(List.of("--etcd", etcd.endpoint(), "--etcd-ca-file", certs.caCert().toString(),
                "--etcd-cert-file", certs.clientCert().toString(), "--etcd-key-file", certs.clientKey().toString()));
        if (user != null) {
            flags.addAll(List.of("--etcd-user", user));
        }
        return flags;
    }

    private static CliProcess.Result kv(Map<String, String> env, List<String> flags, String... args) {
        List<String> all = new ArrayList<>(List.of("kv"));
        all.addAll(List.of(args));
        all.addAll(flags);
        return CliProcess.run(CliProcess.Options.defaults().env(env).in(dir), all.toArray(String[]::new));
    }

    @Test
    void kvReadsAndWritesWithTlsAndThePasswordFromTheEnvironmentOrAFile() throws Exception {
        CliProcess.Result put = kv(Map.of("FLOTILLA_ETCD_PASSWORD", PASSWORD), etcdFlags("flotilla"),
                "put", "/secure/greeting", "hello");
        assertThat(put.exitCode()).as(put.toString()).isZero();

        Path file = Files.writeString(dir.resolve("etcd-password"), PASSWORD + "\n");
        List<String> flags = new ArrayList<>(etcdFlags(null));
        flags.addAll(List.of("--etcd-password-file", file.toString()));
        CliProcess.Result get = kv(Map.of("FLOTILLA_ETCD_USER", "flotilla"), flags, "get", "/secure/greeting");
        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.out()).isEqualTo("hello\n");
    }

    @Test
    void aWrongOrMissingPasswordIsOneLineThatNeverShowsIt() {
        CliProcess.Result wrong = kv(Map.of("FLOTILLA_ETCD_PASSWORD", "not-" + PASSWORD), etcdFlags("flotilla"),
                "get", "/secure/greeting");
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(2);
        assertThat(wrong.err().lines()).hasSize(1);
        assertThat(wrong.err()).startsWith("flotilla kv get: ").contains("refused the credentials of user 'flotilla'")
                .doesNotContain(PASSWORD);

        CliProcess.Result missing = kv(Map.of(), etcdFlags("flotilla"), "get", "/secure/greeting");
        assertThat(missing.err()).isEqualTo("flotilla kv get: etcd user flotilla needs a password: set "
                + "FLOTILLA_ETCD_PASSWORD or pass --etcd-password-file\n");

        CliProcess.Result noUser = kv(Map.of("FLOTILLA_ETCD_PASSWORD", PASSWORD), etcdFlags(null), "get", "/secure/greeting");
        assertThat(noUser.exitCode()).isEqualTo(2);
        assertThat(noUser.err().lines()).hasSize(1);
        assertThat(noUser.err()).startsWith("flotilla kv get: etcd at " + etcd.endpoint() + " denied the first read "
                + "without a user (with --client-cert-auth, etcd takes the client certificate's common name as the user): "
                + "configure an etcd user and password");
    }

    @Test
    void withoutTheClientCertificateOrTheCaTlsFailsInOneLine() {
        List<String> noCertificate = List.of("--etcd", etcd.endpoint(), "--etcd-ca-file", certs.caCert().toString(),
                "--etcd-user", "flotilla", "--timeout", "3");
        CliProcess.Result r = kv(Map.of("FLOTILLA_ETCD_PASSWORD", PASSWORD), noCertificate, "get", "/secure/greeting");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("flotilla kv get: ").contains(etcd.endpoint());

        List<String> halfCertificate = List.of("--etcd", etcd.endpoint(), "--etcd-cert-file", certs.clientCert().toString());
        CliProcess.Result half = kv(Map.of(), halfCertificate, "get", "/k");
        assertThat(half.err()).isEqualTo("flotilla kv get: --etcd-cert-file needs --etcd-key-file (the client "
                + "certificate's key)\n");

        List<String> passwordWithoutUser = new ArrayList<>(etcdFlags(null));
        passwordWithoutUser.addAll(List.of("--etcd-password-file", dir.resolve("whatever").toString()));
        CliProcess.Result orphan = kv(Map.of(), passwordWithoutUser, "get", "/k");
        assertThat(orphan.err()).isEqualTo("flotilla kv get: --etcd-password-file needs --etcd-user (or "
                + "$FLOTILLA_ETCD_USER): whose password is it?\n");
    }

    @Test
    void anAgentJoinsThroughTlsAndAuthAndNeverShowsThePasswordInPs() throws Exception {
        Path data = dir.resolve("agent-data");
        Path passwordFile = Files.writeString(dir.resolve("agent-etcd-password"), PASSWORD + "\n");
        String token = "7e9a1c3b5d7f9e1a3c5b7d9f1e3a5c7b";
        List<String> args = new ArrayList<>(List.of("agent"));
        args.addAll(etcdFlags("flotilla"));
        args.addAll(List.of("--etcd-password-file", passwordFile.toString(), "--ip", "127.0.0.31",
                "--api", "127.0.0.1:0", "--data-dir", data.toString(), "--tls-cert-file", certs.serverCert().toString(),
                "--tls-key-file", certs.serverKey().toString()));
        CliProcess.Running agent = CliProcess.start(CliProcess.Options.defaults().in(dir)
                .env(Map.of("FLOTILLA_TOKEN", token)), args.toArray(String[]::new));
        try {
            Pattern apiLine = Pattern.compile("(?m)^API: (https://\\S+)$");
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                assertThat(agent.isAlive()).as("agent stderr: %s", agent.errSoFar()).isTrue();
                return apiLine.matcher(agent.outSoFar()).find();
            });
            Matcher m = apiLine.matcher(agent.outSoFar());
            assertThat(m.find()).isTrue();
            String endpoint = m.group(1);
            assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                    .map(c -> c.contains(data.toString())).orElse(false)).toList())
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(p.info().commandLine().orElseThrow()).doesNotContain(PASSWORD)
                            .doesNotContain(token));

            Map<String, String> client = Map.of("FLOTILLA_TOKEN", token, "FLOTILLA_CA_FILE", certs.caCert().toString());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                CliProcess.Result machines = CliProcess.run(CliProcess.Options.defaults().in(dir).env(client),
                        "list-machines", "--no-legend", "--endpoint", endpoint);
                assertThat(machines.exitCode()).as(machines.toString()).isZero();
                assertThat(machines.out()).contains("127.0.0.31");
            });
        } finally {
            agent.terminate();
            agent.await();
        }
    }
}
