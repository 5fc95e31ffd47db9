package dev.flotilla.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The flag parsers: each bad value is one line naming the flag and what was given. */
class LbConfigTest {

    @Test
    void parsesFlagValues() {
        assertThat(LbConfig.hostPort("--listen", "127.0.0.1:8080").getPort()).isEqualTo(8080);
        assertThat(LbConfig.hostPort("--listen", "[::1]:80").getAddress().isLoopbackAddress()).isTrue();
        assertThat(LbConfig.duration("--check-interval", "2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(LbConfig.duration("--check-interval", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(LbConfig.duration("--check-interval", "3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(LbConfig.sha1("92A949FD41844E1BB8C6812CDEA102708FDE23A4")).isEqualTo("92a949fd41844e1bb8c6812cdea102708fde23a4");
        assertThat(LbConfig.of("web", LbTestSupport.anyPort(), LbConfig.Mode.HTTP).threads())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(StaticSource.parse("127.0.0.2:80, 127.0.0.3:81").describe()).isEqualTo("static:127.0.0.2:80,127.0.0.3:81");
    }

    @Test
    void rejectsBadValuesNamingTheFlag() {
        assertThatThrownBy(() -> LbConfig.sha1("abc")).hasMessage("--check-sha1: expected 40 hex digits, got 'abc'");
        assertThatThrownBy(() -> LbConfig.hostPort("--listen", "8080")).hasMessage("--listen: expected HOST:PORT, got '8080'");
        assertThatThrownBy(() -> LbConfig.duration("--check-interval", "soon"))
                .hasMessage("--check-interval: expected a time span like 500ms, 2s or 1m, got 'soon'");
        assertThatThrownBy(() -> LbConfig.Mode.parse("udp")).hasMessage("--mode: expected http or tcp, got 'udp'");
        assertThatThrownBy(() -> LbConfig.Balance.parse("random"))
                .hasMessage("--balance: expected round-robin or least-conn, got 'random'");
        assertThatThrownBy(() -> StaticSource.parse("127.0.0.2"))
                .hasMessage("--source static: expected HOST:PORT, got '127.0.0.2'");
        assertThatThrownBy(() -> LbConfig.of("web", LbTestSupport.anyPort(), LbConfig.Mode.HTTP)
                .withCheck(null, "92a949fd41844e1bb8c6812cdea102708fde23a4", Duration.ofSeconds(2)))
                .hasMessage("--check-sha1 needs --check-path: a TCP check has no body to hash");
        assertThatThrownBy(() -> LbConfig.of("web", LbTestSupport.anyPort(), LbConfig.Mode.HTTP).withThreads(0))
                .hasMessage("--threads: expected at least 1, got 0");
    }
}
