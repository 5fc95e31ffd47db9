package dev.flotilla.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class EtcdConfigTest {

    @Test
    void defaultsAndCopies() {
        EtcdConfig config = EtcdConfig.of("http://127.0.0.1:2379", " http://127.0.0.2:2379");
        assertThat(config.endpointList()).isEqualTo("http://127.0.0.1:2379,http://127.0.0.2:2379");
        assertThat(config.requestTimeout()).isEqualTo(EtcdConfig.DEFAULT_REQUEST_TIMEOUT);
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.tls()).isFalse();
        EtcdConfig secured = EtcdConfig.of("https://etcd:2379").withTls(Path.of("ca.pem"), null, null)
                .withCredentials("flotilla", "s3cret");
        assertThat(secured.tls()).isTrue();
        assertThat(secured.toString()).contains("user=flotilla").doesNotContain("s3cret");
    }

    @Test
    void refusesWhatCannotWork() {
        assertThatThrownBy(EtcdConfig::of).hasMessageContaining("at least one etcd endpoint");
        assertThatThrownBy(() -> EtcdConfig.of("127.0.0.1:2379")).hasMessageContaining("is not a URL");
        assertThatThrownBy(() -> EtcdConfig.of("http://a:2379", "https://b:2379")).hasMessageContaining("mix");
        assertThatThrownBy(() -> EtcdConfig.of("http://a:2379").withTls(Path.of("ca.pem"), null, null))
                .hasMessageContaining("use https://");
        assertThatThrownBy(() -> EtcdConfig.of("https://a:2379").withTls(null, Path.of("c.pem"), null))
                .hasMessageContaining("key file");
        assertThatThrownBy(() -> EtcdConfig.of("http://a:2379").withCredentials("root", null))
                .hasMessageContaining("password");
        assertThatThrownBy(() -> EtcdConfig.of("http://a:2379").withTimeouts(Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1))).hasMessageContaining("connectTimeout must be positive");
    }
}
