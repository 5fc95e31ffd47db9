package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** systemd's variable expansion rules in command lines. */
class ExecLineExpanderTest {

    private static final Map<String, String> ENV = Map.of("WORDS", " a  b c ", "ONE", "x", "EMPTY", "");

    @Test
    void aLoneDollarNameSplitsIntoWords() {
        assertThat(ExecLineExpander.expandArgs(List.of("$WORDS"), ENV)).containsExactly("a", "b", "c");
        assertThat(ExecLineExpander.expandArgs(List.of("$EMPTY", "$NOPE"), ENV)).isEmpty();
    }

    @Test
    void bracedVariablesAreReplacedInPlaceKeepingOneWord() {
        assertThat(ExecLineExpander.expandArgs(List.of("${WORDS}", "pre${ONE}post", "${NOPE}"), ENV))
                .containsExactly(" a  b c ", "prexpost", "");
    }

    @Test
    void doubleDollarIsALiteralDollarAndOtherDollarsStay() {
        assertThat(ExecLineExpander.expandArgs(List.of("$$ONE", "$ONE;", "cost: 5$", "${bad-name}", "$(id -u)", "${"), ENV))
                .containsExactly("$ONE", "$ONE;", "cost: 5$", "${bad-name}", "$(id -u)", "${");
    }
}
