package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The redaction rule: values of secret-looking assignments become ***, nothing else changes. */
class SecretsTest {

    @ParameterizedTest
    @CsvSource({"MYSQL_ROOT_PASSWORD, true", "db_passwd, true", "ClientSecret, true", "GITHUB_TOKEN, true",
            "api_key, true", "SSH_KEY_PATH, true", "PORT, false", "COREOS_PUBLIC_IPV4, false", "PASS, false",
            "USER, false"})
    void namesLookSecretByTheirWordsInAnyCase(String name, boolean secret) {
        assertThat(Secrets.isSecretName(name)).isEqualTo(secret);
    }

    @Test
    void theSeedsDatabasePasswordIsMaskedInItsCommandLine() throws IOException {
        String execStart = UnitFile.parse("db.service", seed("db.service")).options().stream()
                .filter(o -> o.name().equals("ExecStart")).findFirst().orElseThrow().value();
        assertThat(execStart).contains("MYSQL_ROOT_PASSWORD=s3cret");

        assertThat(Secrets.redact(execStart)).isEqualTo(
                "/usr/bin/docker run --rm --name db -e MYSQL_ROOT_PASSWORD=*** -p ${COREOS_PRIVATE_IPV4}:3306:3306 mysql");
    }

    @Test
    void environmentValuesInEveryQuotingAreMasked() {
        assertThat(Secrets.redact("Environment=\"DB_PASSWORD=a b c\" PORT=80 API_KEY=xyz"))
                .isEqualTo("Environment=\"DB_PASSWORD=***\" PORT=80 API_KEY=***");
        assertThat(Secrets.redact("Environment='TOKEN=a \\' b' USER=me"))
                .isEqualTo("Environment='TOKEN=***' USER=me");
        assertThat(Secrets.redact("SECRET=\"x y\" PORT=1")).isEqualTo("SECRET=\"***\" PORT=1");
        assertThat(Secrets.redact("/bin/sh -c 'export TOKEN=abc; exec app'")).isEqualTo("/bin/sh -c 'export TOKEN=*** exec app'");
        assertThat(Secrets.redact("/bin/sh -c 'TOKEN=abc'")).isEqualTo("/bin/sh -c 'TOKEN=***'");
        assertThat(Secrets.redact("docker run --env=API_KEY=abc img")).isEqualTo("docker run --env=API_KEY=*** img");
        assertThat(Secrets.redact("ExecStartPre=/bin/x PASSWORD=a\\ b next")).isEqualTo("ExecStartPre=/bin/x PASSWORD=*** next");
    }

    @Test
    void everythingElseIsKeptAsItIs() {
        for (String text : new String[] {"", "no assignments here", "PORT=80 HOST=a", "PASSWORD=", "PASSWORD= x",
                "--key-file=/etc/k.pem is a file flag", "a == b", "MachineMetadata=region=us", "\"unclosed", "x\\"}) {
            assertThat(Secrets.redact(text)).isEqualTo(text);
        }
        assertThat(Secrets.redact(null)).isNull();
    }

    @Test
    void redactingTwiceIsRedactingOnceAndNoSecretSurvives() {
        Random random = new Random(Long.getLong("flotilla.seed", 0x5EC2E7L));
        String[] bits = {" ", "\t", "\"", "'", "\\", "=", "PASSWORD", "api_key", "PORT", "x", "s3cr3t", "-e ", ";"};
        for (int round = 0; round < 5000; round++) {
            StringBuilder b = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                b.append(bits[random.nextInt(bits.length)]);
            }
            String once = Secrets.redact(b.toString());
            assertThat(Secrets.redact(once)).as("round %d: %s", round, b).isEqualTo(once);
            assertThat(Secrets.redact(b + " TOKEN=s3cr3t")).as("round %d: %s", round, b).doesNotContain("TOKEN=s3cr3t");
        }
    }

    @Test
    void environmentMapsKeepTheirNamesAndOrder() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PORT", "80");
        env.put("MYSQL_ROOT_PASSWORD", "dh47");
        env.put("EMPTY_TOKEN", "");
        assertThat(Secrets.redactValues(env)).containsExactly(Map.entry("PORT", "80"),
                Map.entry("MYSQL_ROOT_PASSWORD", "***"), Map.entry("EMPTY_TOKEN", ""));
    }

    private static String seed(String name) throws IOException {
        try (InputStream in = SecretsTest.class.getResourceAsStream("/units/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
