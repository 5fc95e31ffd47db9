package dev.flotilla.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.store.StoreException;

/** User keys: the store's keys as given, TTLs on leases, prefix listing, and the registry's keys off limits. */
abstract class UserKeysContract extends RegistryTestBase {

    /** A prefix of this test's own, outside every registry root. */
    private String base;

    @BeforeEach
    void userBase() {
        base = root.replace("/registry-test/", "/user-test/");
    }

    @Test
    void aKeyIsStoredAsGivenAndReadBackWithItsRevisions() throws StoreException {
        UserKeys keys = registry.userKeys();
        UserKeys.Entry written = keys.put(base + "services/web/web01/host", "core01", Optional.empty());

        assertThat(written.key()).isEqualTo(base + "services/web/web01/host");
        assertThat(written.value()).isEqualTo("core01");
        assertThat(written.version()).isEqualTo(1);
        assertThat(written.expires()).isFalse();
        assertThat(store().get(base + "services/web/web01/host").orElseThrow().valueAsString()).isEqualTo("core01");

        UserKeys.Entry again = keys.put(base + "services/web/web01/host", "core02", Optional.empty());
        assertThat(again.version()).isEqualTo(2);
        assertThat(again.createRevision()).isEqualTo(written.createRevision());
        assertThat(keys.get(base + "services/web/web01/host").orElseThrow().value()).isEqualTo("core02");
        assertThat(keys.get(base + "services/web/web02/host")).isEmpty();
    }

    @Test
    void aKeyWithATtlVanishesWhenItRunsOut() throws StoreException {
        UserKeys keys = registry.userKeys();
        UserKeys.Entry written = keys.put(base + "ttl", "soon gone", Optional.of(Duration.ofSeconds(2)));

        assertThat(written.expires()).isTrue();
        assertThat(keys.timeToLive(written)).hasValueSatisfying(ttl -> assertThat(ttl).isPositive());
        await().atMost(Duration.ofSeconds(20)).until(() -> keys.get(base + "ttl").isEmpty());
    }

    @Test
    void writingAgainWithoutATtlKeepsTheKey() throws StoreException {
        UserKeys keys = registry.userKeys();
        keys.put(base + "sticky", "a", Optional.of(Duration.ofSeconds(2)));
        UserKeys.Entry plain = keys.put(base + "sticky", "b", Optional.empty());

        assertThat(plain.expires()).isFalse();
        assertThat(keys.timeToLive(plain)).isEmpty();
    }

    @Test
    void aPrefixListsItsKeysSortedAndDeletesThemInOneGo() throws StoreException {
        UserKeys keys = registry.userKeys();
        keys.put(base + "web/web02/port", "18002", Optional.empty());
        keys.put(base + "web/web01/port", "18001", Optional.empty());
        keys.put(base + "webby", "not under web/", Optional.empty());

        assertThat(keys.list(base + "web/")).extracting(UserKeys.Entry::key)
                .containsExactly(base + "web/web01/port", base + "web/web02/port");
        assertThat(keys.list(base)).hasSize(3);

        assertThat(keys.deletePrefix(base + "web/")).isEqualTo(2);
        assertThat(keys.list(base)).extracting(UserKeys.Entry::key).containsExactly(base + "webby");
        assertThat(keys.delete(base + "webby")).isTrue();
        assertThat(keys.delete(base + "webby")).isFalse();
    }

    @Test
    void theRegistrysOwnKeysAreOffLimits() throws Exception {
        submit("db.service", DesiredState.LAUNCHED);
        UserKeys keys = registry.userKeys();
        long before = storeRevision();

        for (String key : List.of(root + "units/db.service", root, root + "x", "/.flotilla-probe")) {
            assertThatThrownBy(() -> keys.put(key, "x", Optional.empty())).as(key)
                    .isInstanceOf(UserKeys.ReservedKeyException.class).hasMessageContaining("cluster's own keys");
            assertThatThrownBy(() -> keys.delete(key)).isInstanceOf(UserKeys.ReservedKeyException.class);
            assertThatThrownBy(() -> keys.get(key)).isInstanceOf(UserKeys.ReservedKeyException.class);
        }
        assertThatThrownBy(() -> keys.list(root + "units/")).isInstanceOf(UserKeys.ReservedKeyException.class);
        assertThatThrownBy(() -> keys.deletePrefix("/")).hasMessageContaining("covers the cluster's own keys");
        assertThatThrownBy(() -> keys.deletePrefix("/registry-test/")).hasMessageContaining("give a longer one");
        assertThat(keys.list("/registry-test/")).noneMatch(e -> e.key().startsWith(root));
        assertThat(storeRevision()).isEqualTo(before);
    }

    @Test
    void malformedKeysAndValuesAreRefusedNamingTheRule() {
        UserKeys keys = registry.userKeys();
        assertThatThrownBy(() -> keys.put("services/x", "v", Optional.empty())).hasMessageContaining("starts with /");
        assertThatThrownBy(() -> keys.put("/", "v", Optional.empty())).hasMessageContaining("needs a name after the /");
        assertThatThrownBy(() -> keys.put("/a\nb", "v", Optional.empty())).hasMessageContaining("U+000A at position 2");
        assertThatThrownBy(() -> keys.put("/" + "k".repeat(1024), "v", Optional.empty()))
                .hasMessageContaining("at most 1024 bytes");
        assertThatThrownBy(() -> keys.put(base + "big", "v".repeat(UserKeys.MAX_VALUE_BYTES + 1), Optional.empty()))
                .hasMessageContaining("at most 1048576");
        assertThatThrownBy(() -> keys.put(base + "t", "v", Optional.of(Duration.ZERO)))
                .hasMessageContaining("from 1 second");
    }
}
