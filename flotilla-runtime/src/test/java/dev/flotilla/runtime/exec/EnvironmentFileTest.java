package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

/** systemd's EnvironmentFile= syntax. */
class EnvironmentFileTest {

    @Test
    void readsAssignmentsCommentsQuotesAndContinuations() {
        EnvironmentFile.Parsed p = EnvironmentFile.parse("""
                # a comment
                ; another comment

                PLAIN=value
                  SPACED = padded value  \t
                SINGLE='keeps \\n and "quotes" and $HOME'
                DOUBLE="say \\"hi\\" \\\\ \\$x"
                MIXED="a"b'c'
                CONT=first \\
                second
                EMPTY=
                PLAIN=later wins
                """);

        assertThat(p.variables()).containsOnly(
                entry("PLAIN", "later wins"),
                entry("SPACED", "padded value"),
                entry("SINGLE", "keeps \\n and \"quotes\" and $HOME"),
                entry("DOUBLE", "say \"hi\" \\ $x"),
                entry("MIXED", "abc"),
                entry("CONT", "first second"),
                entry("EMPTY", ""));
        assertThat(p.skipped()).isEmpty();
    }

    @Test
    void reportsLinesThatAreNotAssignments() {
        EnvironmentFile.Parsed p = EnvironmentFile.parse("GOOD=1\nexport BAD=2\njust words\n2X=3\n");

        assertThat(p.variables()).containsOnly(entry("GOOD", "1"));
        assertThat(p.skipped()).containsExactly("line 2: not NAME=VALUE: export BAD", "line 3: not NAME=VALUE: just words",
                "line 4: not NAME=VALUE: 2X");
    }

    @Test
    void acceptsCrlfAndAMissingFinalNewline() {
        assertThat(EnvironmentFile.parse("A=1\r\nB=\"two\"\r\nC=3").variables())
                .containsOnly(entry("A", "1"), entry("B", "two"), entry("C", "3"));
    }
}
