package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Asserts that an action fails with a {@link UnitParseException} at a given spot. */
final class Rejections {

    private Rejections() {}

    interface Action {
        void run();
    }

    static UnitParseException rejected(Action action) {
        try {
            action.run();
        } catch (UnitParseException e) {
            assertThat(e.getMessage()).isEqualTo(e.source() + ":" + e.line() + ":" + e.column() + ": " + e.reason());
            assertThat(e.reason()).doesNotContain("\n", "\r");
            return e;
        }
        return fail("expected a UnitParseException");
    }

    static UnitParseException rejectedAt(Action action, int line, int column, String reasonPart) {
        UnitParseException e = rejected(action);
        assertThat(e.reason()).contains(reasonPart);
        assertThat(new int[] {e.line(), e.column()}).as(e.getMessage()).containsExactly(line, column);
        return e;
    }
}
