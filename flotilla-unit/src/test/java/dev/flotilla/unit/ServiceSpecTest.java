package dev.flotilla.unit;

import static dev.flotilla.unit.Rejections.rejectedAt;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** [X-Service]: values, defaults, specifiers, and every refusal with its line and column (the section starts at line 4). */
class ServiceSpecTest {

    private static Optional<ServiceSpec> parse(String unit, String body) {
        return ServiceSpec.parse(UnitFile.parse(unit, "[Unit]\nDescription=x\n\n[X-Service]\n" + body),
                UnitName.parse(unit));
    }

    private static void reject(String body, int line, int column, String reason) {
        UnitFile f = UnitFile.parse("web@01.service", "[Unit]\nDescription=x\n\n[X-Service]\n" + body);
        rejectedAt(() -> ServiceSpec.parse(f, UnitName.parse("web@01.service")), line, column, reason);
    }

    @Test
    void aUnitWithoutTheSectionHasNoService() {
        assertThat(ServiceSpec.parse(UnitFile.parse("a.service", "[Service]\nExecStart=/bin/true\n"),
                UnitName.parse("a.service"))).isEmpty();
    }

    @Test
    void minimalSectionGetsTheDefaultsAndSpecifiersResolvePerInstance() {
        ServiceSpec s = parse("web@01.service", "Name=%p\nPort=180%i\n").orElseThrow();
        assertThat(s.name()).isEqualTo("web");
        assertThat(s.port()).isEqualTo(18001);
        assertThat(s.address()).isEmpty();
        assertThat(s.tags()).isEmpty();
        assertThat(s.check()).isEmpty();
        assertThat(s.checkInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.checkTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.expectStatus().accepts(204)).isTrue();
        assertThat(s.expectStatus().accepts(301)).isFalse();
        assertThat(s.drainDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.deregisterAfter()).isEmpty();
    }

    @Test
    void everyKeyIsRead() {
        ServiceSpec s = parse("web@02.service", """
                Name=web
                Port=8080
                Address=127.0.0.2
                Tags=v1, blue
                Tags=canary
                CheckHTTP=/health.php
                CheckInterval=2s
                CheckTimeout=500ms
                CheckExpectStatus=200 204,3xx
                CheckExpectBodySHA1=DA39A3EE5E6B4B0D3255BFEF95601890AFD80709
                DrainDelay=0
                DeregisterAfter=1min
                """).orElseThrow();
        assertThat(s.address()).contains("127.0.0.2");
        assertThat(s.tags()).containsExactly("v1", "blue", "canary");
        assertThat(s.check()).contains(new ServiceSpec.Check.Http("/health.php"));
        assertThat(((ServiceSpec.Check.Http) s.check().orElseThrow()).uri("127.0.0.2", 8080))
                .isEqualTo(URI.create("http://127.0.0.2:8080/health.php"));
        assertThat(s.checkInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.checkTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.expectStatus()).isEqualTo(new ServiceSpec.StatusExpectation(Set.of(200, 204), Set.of(3)));
        assertThat(s.expectBodySha1()).contains("da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assertThat(s.drainDelay()).isZero();
        assertThat(s.deregisterAfter()).contains(Duration.ofMinutes(1));
    }

    @Test
    void checksOfEachKind() {
        assertThat(parse("db.service", "Name=db\nPort=3306\nCheckTCP=\n").orElseThrow().check())
                .contains(new ServiceSpec.Check.Tcp(Optional.empty(), OptionalInt.empty()));
        assertThat(parse("db.service", "Name=db\nPort=3306\nCheckTCP=yes\n").orElseThrow().check())
                .contains(new ServiceSpec.Check.Tcp(Optional.empty(), OptionalInt.empty()));
        assertThat(parse("db.service", "Name=db\nPort=3306\nCheckTCP=127.0.0.3:3307\n").orElseThrow().check())
                .contains(new ServiceSpec.Check.Tcp(Optional.of("127.0.0.3"), OptionalInt.of(3307)));
        assertThat(parse("db.service", "Name=db\nPort=3306\nCheckCommand=/bin/sh -c \"test -f /tmp/ok\"\n")
                .orElseThrow().check()).contains(new ServiceSpec.Check.Command(List.of("/bin/sh", "-c", "test -f /tmp/ok")));
        assertThat(parse("w.service", "Name=w\nPort=80\nCheckHTTP=https://example.test:8443/h\n").orElseThrow()
                .check()).contains(new ServiceSpec.Check.Http("https://example.test:8443/h"));
        assertThat(parse("w.service", "Name=w\nPort=80\nCheckHTTP=/a\nCheckHTTP=\nCheckCommand=/bin/true\n")
                .orElseThrow().check()).contains(new ServiceSpec.Check.Command(List.of("/bin/true")));
    }

    @Test
    void unitDefinitionCarriesTheSectionExceptForTemplates() {
        String text = "[Service]\nExecStart=/bin/true\n\n[X-Service]\nName=web\nPort=180%i\n";
        assertThat(UnitDefinition.parse(UnitName.parse("web@01.service"), text).service().orElseThrow().port())
                .isEqualTo(18001);
        assertThat(UnitDefinition.parse(UnitName.parse("web@.service"), text).service()).isEmpty();
        rejectedAt(() -> UnitDefinition.parse(UnitName.parse("web.service"), "[X-Service]\nName=web\n"), 1, 1,
                "needs Port=");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Name=Web_1 | 5 | 6 | is not a service name",
            "Port=0 | 5 | 6 | expected a port number 1..65535",
            "Port=70000 | 5 | 6 | expected a port number 1..65535",
            "Port=http | 5 | 6 | expected a port number",
            "Address=10.0.0.300 | 5 | 9 | expected an IP address or a host name",
            "CheckHTTP=ftp://x/ | 5 | 11 | expected a path (/health) or a full http(s) URL",
            "CheckTCP=nohost | 5 | 10 | expected host:port",
            "CheckTCP=127.0.0.1:99999 | 5 | 20 | expected a port number",
            "CheckInterval=0 | 5 | 15 | expected a positive finite time span",
            "CheckTimeout=soon | 5 | 14 | expected a time span like 10s",
            "CheckExpectStatus=200 abc | 5 | 23 | expected HTTP statuses",
            "CheckExpectBodySHA1=abc123 | 5 | 21 | expected a SHA-1 digest (40 hex digits)",
            "DrainDelay=infinity | 5 | 12 | expected a finite time span",
            "Name=%m | 5 | 6 | specifier %m is not available here",
            "Nmae=web | 5 | 1 | unknown option Nmae in [X-Service] (did you mean Name?)",
            "CheckHttp=/ | 5 | 1 | did you mean CheckHTTP?"})
    void badValuesAreRefusedWhereTheyAre(String line, int l, int c, String reason) {
        String body = line.startsWith("Name=") ? line + "\nPort=80\n" : line + "\nName=web\nPort=80\n";
        reject(body, l, c, reason);
    }

    @Test
    void structuralRefusals() {
        reject("Port=80\n", 4, 1, "[X-Service] needs Name=");
        reject("Name=web\n", 4, 1, "[X-Service] needs Port=");
        reject("Name=web\nPort=80\nCheckHTTP=/h\n\nCheckTCP=\n", 9, 1,
                "CheckTCP= and CheckHTTP= (line 7) both given: an endpoint has at most one check");
        reject("Name=web\nPort=80\nCheckTCP=\nCheckExpectStatus=200\n", 8, 1,
                "CheckExpectStatus= applies to CheckHTTP=");
        reject("Name=web\nPort=80\n\n[X-Service]\nName=web2\n", 8, 1, "a second [X-Service] section (the first is at line 4)");
    }
}
