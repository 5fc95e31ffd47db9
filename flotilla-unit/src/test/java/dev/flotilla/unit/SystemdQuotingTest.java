package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SystemdQuotingTest {

    @Test
    void splitsOnWhitespaceAndUnquotes() {
        assertThat(SystemdQuoting.split("  /bin/echo  a\tb  ")).containsExactly("/bin/echo", "a", "b");
        assertThat(SystemdQuoting.split("\"a=b\" \"c=d\"")).containsExactly("a=b", "c=d");
        assertThat(SystemdQuoting.split("'one two' \"three  four\"")).containsExactly("one two", "three  four");
        assertThat(SystemdQuoting.split("a\"b c\"d")).containsExactly("ab cd");
        assertThat(SystemdQuoting.split("\"\" x ''")).containsExactly("", "x", "");
        assertThat(SystemdQuoting.split("")).isEmpty();
        assertThat(SystemdQuoting.split(" \t ")).isEmpty();
    }

    @Test
    void escapesWorkInsideAndOutsideQuotes() {
        assertThat(SystemdQuoting.split("a\\sb")).containsExactly("a b");
        assertThat(SystemdQuoting.split("'it\\'s' \"say \\\"hi\\\"\"")).containsExactly("it's", "say \"hi\"");
        assertThat(SystemdQuoting.split("\\n\\t\\\\\\s\\x41\\101\\u00e9\\U0001F680")).containsExactly("\n\t\\ AA\u00e9\uD83D\uDE80");
        assertThat(SystemdQuoting.split("\\a\\b\\f\\r\\v")).containsExactly("\u0007\b\f\r\u000b");
    }

    @Test
    void errorsCarryOffsets() {
        assertThatThrownBy(() -> SystemdQuoting.split("ok \"open")).isInstanceOfSatisfying(ValueSyntaxException.class,
                e -> assertThat(e.offset()).isEqualTo(3)).hasMessageContaining("unterminated double quote");
        assertThatThrownBy(() -> SystemdQuoting.split("'x")).hasMessageContaining("unterminated single quote");
        assertThatThrownBy(() -> SystemdQuoting.split("abc\\")).isInstanceOfSatisfying(ValueSyntaxException.class,
                e -> assertThat(e.offset()).isEqualTo(3)).hasMessageContaining("backslash at the end");
        assertThatThrownBy(() -> SystemdQuoting.split("a\\qb")).hasMessageContaining("unknown escape \\q");
        assertThatThrownBy(() -> SystemdQuoting.split("a\\ b")).hasMessageContaining("unknown escape");
        assertThatThrownBy(() -> SystemdQuoting.split("\\x4")).hasMessageContaining("needs 2 digits");
        assertThatThrownBy(() -> SystemdQuoting.split("\\xg1")).hasMessageContaining("invalid digit");
        assertThatThrownBy(() -> SystemdQuoting.split("\\x00")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> SystemdQuoting.split("\\uD800")).hasMessageContaining("not a valid Unicode");
        assertThatThrownBy(() -> SystemdQuoting.split("\\777")).hasMessageContaining("octal escape above");
    }

    @Test
    void quoteRoundTripsThroughSplit() {
        Random random = new Random(7);
        for (int n = 0; n < 2000; n++) {
            long seed = random.nextLong();
            Random r = new Random(seed);
            List<String> words = new java.util.ArrayList<>();
            for (int w = r.nextInt(5); w > 0; w--) {
                StringBuilder b = new StringBuilder();
                for (int c = r.nextInt(8); c > 0; c--) {
                    String pool = " \t\n\"'\\ab=é\u0001$%";
                    b.append(pool.charAt(r.nextInt(pool.length())));
                }
                words.add(b.toString());
            }
            String line = String.join(" ", words.stream().map(SystemdQuoting::quote).toList());
            assertThat(SystemdQuoting.split(line)).as("seed %d, line %s", seed, line).isEqualTo(words);
        }
    }
}
