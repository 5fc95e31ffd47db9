package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** fleetctl's single-dash long flags become picocli's double-dash ones; nothing else changes. */
class LegacyFlagsTest {

    @Test
    void knownSingleDashFlagsGetASecondDash() {
        assertThat(LegacyFlags.normalize(new String[] {"list-units", "-fields=unit", "-no-legend", "-l"}))
                .containsExactly("list-units", "--fields=unit", "--no-legend", "-l");
        assertThat(LegacyFlags.normalize(new String[] {"start", "-block-attempts", "3", "-no-block", "a.service"}))
                .containsExactly("start", "--block-attempts", "3", "--no-block", "a.service");
    }

    @Test
    void otherArgumentsAndEverythingAfterDoubleDashStay() {
        assertThat(LegacyFlags.normalize(new String[] {"cat", "-x", "--", "-fields"}))
                .containsExactly("cat", "-x", "--", "-fields");
        assertThat(LegacyFlags.normalize(new String[] {"submit", "-replace.service"}))
                .containsExactly("submit", "-replace.service");
    }
}
