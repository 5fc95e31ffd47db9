package dev.flotilla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens: what is accepted, what a refusal says (never the token), and matching. */
class ApiTokenTest {

    private static final String HEX = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void aFileWithItsFinalNewlineHoldsTheToken() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), HEX + "\n");
        ApiToken token = ApiToken.read(file);
        assertThat(token.header()).isEqualTo("Bearer " + HEX);
        assertThat(token.matches(HEX)).isTrue();
        assertThat(token.toString()).doesNotContain(HEX);
    }

    @Test
    void onlyTheWholeTokenMatches() {
        ApiToken token = ApiToken.of(HEX, "test");
        assertThat(token.matches(HEX.substring(0, 31))).isFalse();
        assertThat(token.matches(HEX + "0")).isFalse();
        assertThat(token.matches(HEX.toUpperCase())).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(null)).isFalse();
    }

    @Test
    void badTokensAreRefusedNamingTheSourceNotTheText() {
        assertThatThrownBy(() -> ApiToken.of("  \n", "$FLOTILLA_TOKEN"))
                .hasMessage("the token in $FLOTILLA_TOKEN is empty");
        assertThatThrownBy(() -> ApiToken.of("short-secret", "$FLOTILLA_TOKEN"))
                .hasMessage("the token in $FLOTILLA_TOKEN is 12 characters long; use 16 to 4096 (e.g. openssl rand -hex 32)");
        assertThatThrownBy(() -> ApiToken.of("0123456789abcdef 0123", "the file t"))
                .hasMessageContaining("the token in the file t has a character a bearer token may not have at position 17")
                .hasMessageNotContaining("0123456789abcdef");
        assertThatThrownBy(() -> ApiToken.read(dir.resolve("missing")))
                .hasMessage("cannot read the token file " + dir.resolve("missing") + ": no such file");
    }
}
