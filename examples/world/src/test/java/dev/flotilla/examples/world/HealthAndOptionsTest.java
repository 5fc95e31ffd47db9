package dev.flotilla.examples.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HealthAndOptionsTest {

    @Test
    void theDocumentedDigestIsTheSha1OfThePassingBody() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-1").digest(WebServer.HEALTH_PASS.getBytes(StandardCharsets.UTF_8));
        assertThat(WebServer.HEALTH_PASS).isEqualTo("PASS\n");
        assertThat(HexFormat.of().formatHex(digest)).isEqualTo(WebServer.HEALTH_PASS_SHA1)
                .isEqualTo("27d2303f215d7d1a8f12f0b80b9b56a2cdf6c9a7");
    }

    @Test
    void webListensOnPort180NnOfTheMachineForWebAtNn() {
        assertThat(World.Web.defaultListen(Map.of("FLOTILLA_UNIT", "web@07.service", "FLOTILLA_PUBLIC_IP", "127.0.0.3")))
                .isEqualTo("127.0.0.3:18007");
        assertThat(World.Web.defaultListen(Map.of())).isEqualTo("127.0.0.1:8080");
    }

    @Test
    void addressesAreCheckedWithTheOptionInTheMessage() {
        assertThat(HostPort.parse("[::1]:3306", "--db")).isEqualTo(new HostPort("::1", 3306));
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1", "--db")).hasMessage(
                "--db 127.0.0.1: expected HOST:PORT, e.g. 127.0.0.1:3306");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:99999", "--listen")).hasMessage(
                "--listen 127.0.0.1:99999: port 99999 is not in 1-65535");
    }

    @Test
    void aPasswordComesFromAFileOrTheEnvironmentNeverADefault() {
        assertThat(Secrets.password(null, "WORLD_DB_PASSWORD", Map.of("WORLD_DB_PASSWORD", "s3cret"), "password",
                "--password-file")).isEqualTo("s3cret");
        assertThatThrownBy(() -> Secrets.password(null, "WORLD_DB_PASSWORD", Map.of(), "database password",
                "--password-file")).hasMessage("no database password: give --password-file FILE or set WORLD_DB_PASSWORD");
    }

    @Test
    void withoutDbOrEndpointTheErrorSaysWhatToGive() {
        World.DbOptions options = new World.DbOptions();
        options.service = "db";
        assertThatThrownBy(() -> options.locator(Map.of())).hasMessageContaining("give --db HOST:PORT");
        assertThat(options.locator(Map.of("FLOTILLA_ENDPOINT", "http://127.0.0.2:7070/")).describe())
                .isEqualTo("registry http://127.0.0.2:7070/v1/services/db?health=passing");
    }
}
