package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import dev.flotilla.api.ApiToken;
import dev.flotilla.server.ApiSettings;
import dev.flotilla.server.ApiTls;
import dev.flotilla.store.embedded.EmbeddedKvStore;
import dev.flotilla.testkit.TestCerts;
import dev.flotilla.testkit.WorkDirs;

/**
 * The fleet commands against an API that wants a token, and over (mutual) TLS: where the token comes from
 * (flag, environment, default file), and the one line a user gets when the token or the TLS files are
 * missing or wrong. The CLI runs as a separate process; its home is an empty directory unless a test says.
 */
class ApiAccessIT {

    private static final String TOKEN = "9c2e4a6b8d0f1e3c5a7b9d1f3e5c7a9b";
    private static EmbeddedKvStore store;
    private static TestCerts certs;

    @TempDir
    Path home;

    private TestCluster cluster;
    private String test;

    @BeforeAll
    static void openStore() {
        store = EmbeddedKvStore.inMemory();
        certs = TestCerts.generate(WorkDirs.create("cli-tls"));
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @BeforeEach
    void name(TestInfo info) {
        test = info.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String start(ApiSettings settings) throws Exception {
        cluster = TestCluster.start(store, test, settings);
        return cluster.endpoint();
    }

    private static ApiSettings withToken() {
        return ApiSettings.on("127.0.0.1", 0).withToken(Optional.of(ApiToken.of(TOKEN, "test")));
    }

    private CliProcess.Result cli(Map<String, String> env, String... args) {
        return CliProcess.run(CliProcess.Options.defaults().env(env).in(home).jvm("-Duser.home=" + home), args);
    }

    private Path tokenFile(String name, String text) throws Exception {
        return Files.writeString(home.resolve(name), text);
    }

    @Test
    void theTokenComesFromTheFlagTheEnvironmentOrTheDefaultFile() throws Exception {
        String endpoint = start(withToken());
        cluster.machine("2aa4e35a0123456789abcdef01234567", "10.0.0.1", Map.of());
        Path file = tokenFile("token.txt", TOKEN + "\n");

        List<CliProcess.Result> results = new ArrayList<>();
        results.add(cli(Map.of(), "list-machines", "--no-legend", "--endpoint", endpoint, "--token-file", file.toString()));
        results.add(cli(Map.of(), "--token-file", file.toString(), "--endpoint", endpoint, "list-machines", "--no-legend"));
        results.add(cli(Map.of("FLOTILLA_TOKEN", TOKEN), "list-machines", "--no-legend", "--endpoint", endpoint));
        Files.createDirectories(home.resolve(".flotilla"));
        tokenFile(".flotilla/token", TOKEN + "\n");
        results.add(cli(Map.of(), "list-machines", "--no-legend", "--endpoint", endpoint));
        for (CliProcess.Result r : results) {
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).isEqualTo("2aa4e35a...\t10.0.0.1\t-\n");
        }
    }

    @Test
    void withoutATokenOneLineSaysWhereToPutItAndNothingIsSubmitted() throws Exception {
        String endpoint = start(withToken());
        Files.writeString(home.resolve("a.service"), "[Service]\nExecStart=/bin/true\n");

        CliProcess.Result r = cli(Map.of(), "submit", "a.service", "--endpoint", endpoint);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("flotilla submit: the API at " + endpoint + " needs a token: set FLOTILLA_TOKEN, "
                + "pass --token-file FILE, or write it to ~/.flotilla/token (docs/security.md)\n");
        assertThat(cluster.unit("a.service")).isEmpty();
    }

    @Test
    void aWrongTokenIsOneLineNamingWhereItCameFrom() throws Exception {
        String endpoint = start(withToken());
        CliProcess.Result env = cli(Map.of("FLOTILLA_TOKEN", "0".repeat(32)), "list-units", "--endpoint", endpoint);
        assertThat(env.exitCode()).as(env.toString()).isEqualTo(2);
        assertThat(env.err()).isEqualTo("flotilla list-units: the API at " + endpoint + " refused the token from "
                + "$FLOTILLA_TOKEN: use the token its agents were started with (docs/security.md)\n");

        Path file = tokenFile("old-token", "f".repeat(40));
        CliProcess.Result flag = cli(Map.of(), "cat", "a.service", "--endpoint", endpoint, "--token-file", file.toString());
        assertThat(flag.err()).isEqualTo("flotilla cat: the API at " + endpoint + " refused the token from the file "
                + file + ": use the token its agents were started with (docs/security.md)\n");
    }

    @Test
    void anUnusableTokenIsRefusedBeforeAnyRequestNamingItsSource() throws Exception {
        String endpoint = start(withToken());
        Path short_ = tokenFile("short", "abc\n");
        CliProcess.Result file = cli(Map.of(), "list-units", "--endpoint", endpoint, "--token-file", short_.toString());
        assertThat(file.exitCode()).isEqualTo(2);
        assertThat(file.err()).isEqualTo("flotilla list-units: the token in the file " + short_ + " is 3 characters "
                + "long; use 16 to 4096 (e.g. openssl rand -hex 32)\n");
        CliProcess.Result missing = cli(Map.of(), "list-units", "--endpoint", endpoint, "--token-file", "/no/such/token");
        assertThat(missing.err()).isEqualTo("flotilla list-units: cannot read the token file /no/such/token: no such file\n");
        CliProcess.Result empty = cli(Map.of("FLOTILLA_TOKEN", ""), "list-units", "--endpoint", endpoint);
        assertThat(empty.err()).isEqualTo("flotilla list-units: the token in $FLOTILLA_TOKEN is empty\n");
        CliProcess.Result flag = cli(Map.of(), "list-units", "--endpoint", endpoint, "--token", TOKEN);
        assertThat(flag.exitCode()).as("no flag carries the token itself, so ps never shows it").isEqualTo(2);
    }

    @Test
    void mutualTlsWithTheCaAndAClientCertificate() throws Exception {
        String endpoint = start(withToken().withTls(Optional.of(ApiTls.of(certs.serverCert(), certs.serverKey())
                .withClientCa(certs.caCert()))));
        assertThat(endpoint).startsWith("https://127.0.0.1:");
        cluster.machine("2aa4e35a0123456789abcdef01234567", "10.0.0.1", Map.of());
        Map<String, String> token = Map.of("FLOTILLA_TOKEN", TOKEN);

        CliProcess.Result flags = cli(token, "list-machines", "--no-legend", "--endpoint", endpoint,
                "--ca-file", certs.caCert().toString(), "--cert-file", certs.clientCert().toString(),
                "--key-file", certs.clientKey().toString());
        assertThat(flags.exitCode()).as(flags.toString()).isZero();
        assertThat(flags.out()).isEqualTo("2aa4e35a...\t10.0.0.1\t-\n");

        CliProcess.Result env = cli(Map.of("FLOTILLA_TOKEN", TOKEN, "FLOTILLA_CA_FILE", certs.caCert().toString(),
                "FLEETCTL_CERT_FILE", certs.clientCert().toString(), "FLEETCTL_KEY_FILE", certs.clientKey().toString()),
                "-ca-file=" + certs.caCert(), "list-machines", "--no-legend", "--endpoint", endpoint);
        assertThat(env.exitCode()).as(env.toString()).isZero();

        CliProcess.Result untrusted = cli(token, "list-machines", "--endpoint", endpoint);
        assertThat(untrusted.exitCode()).isEqualTo(2);
        assertThat(untrusted.err()).isEqualTo("flotilla list-machines: the API at " + endpoint + " presented a "
                + "certificate this client does not trust: pass --ca-file with the CA that signed it\n");

        CliProcess.Result noCertificate = cli(token, "list-machines", "--endpoint", endpoint, "--ca-file",
                certs.caCert().toString());
        assertThat(noCertificate.exitCode()).isEqualTo(2);
        assertThat(noCertificate.err().lines()).hasSize(1);
        assertThat(noCertificate.err()).startsWith("flotilla list-machines: ").contains(endpoint)
                .contains("--cert-file and --key-file");
    }

    @Test
    void tlsFilesWithAPlainEndpointOrHalfAClientCertificateAreUsageErrors() throws Exception {
        String endpoint = start(withToken());
        CliProcess.Result plain = cli(Map.of(), "list-units", "--endpoint", endpoint, "--ca-file", certs.caCert().toString());
        assertThat(plain.exitCode()).isEqualTo(2);
        assertThat(plain.err()).isEqualTo("flotilla list-units: --ca-file needs an https:// endpoint; " + endpoint
                + " is plain HTTP\n");
        CliProcess.Result half = cli(Map.of(), "list-units", "--endpoint", endpoint.replace("http:", "https:"),
                "--cert-file", certs.clientCert().toString());
        assertThat(half.err()).isEqualTo("flotilla list-units: --cert-file needs --key-file (the client certificate's key)\n");
    }

    @Test
    void plainHttpToAnHttpsApiAndHttpsToAPlainOneSaySo() throws Exception {
        String tls = start(withToken().withTls(Optional.of(ApiTls.of(certs.serverCert(), certs.serverKey()))));
        Map<String, String> token = Map.of("FLOTILLA_TOKEN", TOKEN);
        String plain = tls.replace("https:", "http:");
        CliProcess.Result toTls = cli(token, "list-units", "--endpoint", plain);
        assertThat(toTls.exitCode()).isEqualTo(2);
        assertThat(toTls.err()).startsWith("flotilla list-units: ").contains(plain).contains("use https://");
        assertThat(toTls.err().lines()).hasSize(1);
        cluster.close();
        cluster = null;

        String http = start(withToken());
        String https = http.replace("http:", "https:");
        CliProcess.Result toPlain = cli(token, "list-units", "--endpoint", https, "--ca-file", certs.caCert().toString());
        assertThat(toPlain.exitCode()).isEqualTo(2);
        assertThat(toPlain.err()).isEqualTo("flotilla list-units: the API at " + https + " does not speak TLS: use http://\n");
    }
}
