package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortAndVolumeTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "80 | '' | 0 | 80 | TCP | 80/tcp",
            "8080:80 | '' | 8080 | 80 | TCP | 8080:80/tcp",
            "127.0.0.1:8080:80 | 127.0.0.1 | 8080 | 80 | TCP | 127.0.0.1:8080:80/tcp",
            "10.0.0.1::53/udp | 10.0.0.1 | 0 | 53 | UDP | 10.0.0.1::53/udp",
            "[::1]:8080:80 | ::1 | 8080 | 80 | TCP | [::1]:8080:80/tcp",
            "[fe80::1]::9/sctp | fe80::1 | 0 | 9 | SCTP | [fe80::1]::9/sctp"})
    void portMappingsParseAndFormatBack(String text, String ip, int host, int container, PortMapping.Protocol p,
            String formatted) {
        PortMapping m = PortMapping.parse(text);
        assertThat(m).isEqualTo(new PortMapping(ip, host, container, p));
        assertThat(m.toString()).isEqualTo(formatted);
        assertThat(PortMapping.parse(m.toString())).isEqualTo(m);
    }

    @Test
    void portMappingRecordValidates() {
        assertThatThrownBy(() -> new PortMapping("", 0, 0, PortMapping.Protocol.TCP)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PortMapping("example.com", 1, 1, PortMapping.Protocol.TCP))
                .hasMessageContaining("not an IP address");
    }

    @Test
    void volumesOfEveryKind() {
        assertThat(VolumeMount.parse("/cache")).isEqualTo(new VolumeMount(VolumeMount.Kind.ANONYMOUS, "", "/cache", List.of()));
        assertThat(VolumeMount.parse("db.volume:/var/lib/mysql:U"))
                .isEqualTo(new VolumeMount(VolumeMount.Kind.NAMED, "db.volume", "/var/lib/mysql", List.of("U")));
        assertThat(VolumeMount.parse("/srv:/srv:ro,idmap=uids=0-1000-10").options()).containsExactly("ro", "idmap=uids=0-1000-10");
        for (String v : List.of("/cache", "data:/d", "/a:/b:ro,z")) {
            assertThat(VolumeMount.parse(v).toString()).isEqualTo(v);
        }
        assertThatThrownBy(() -> new VolumeMount(VolumeMount.Kind.BIND, "rel", "/x", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
