package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnitGlobTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "web@*.service, web@01.service, true",
            "web@*.service, web@.service, true",
            "web@*.service, web@01.socket, false",
            "web@*.service, xweb@01.service, false",
            "*, anything.service, true",
            "*.service, .service, true",
            "db?.service, db1.service, true",
            "db?.service, db.service, false",
            "db?.service, db12.service, false",
            "cache[0-9].service, cache7.service, true",
            "cache[0-9].service, cachex.service, false",
            "cache[^0-9].service, cachex.service, true",
            "cache[!0-9].service, cache7.service, false",
            "[]x].service, ].service, true",
            "[]x].service, x.service, true",
            "a\\*b, a*b, true",
            "a\\*b, axb, false",
            "*a*b*c*, xxaxxbxxcxx, true",
            "*a*b*c*, xxaxxcxxbxx, false",
            "[a-cx-z]*, y1, true",
            "[a-cx-z]*, d1, false",
            "ü*, über, true",
            "?.service, \uD83D\uDE80.service, true"})
    void matchesLikeGoPathMatch(String pattern, String name, boolean expected) {
        assertThat(new UnitGlob(pattern).matches(name)).isEqualTo(expected);
    }

    @Test
    void wildcardDetection() {
        assertThat(new UnitGlob("web@01.service").hasWildcards()).isFalse();
        assertThat(new UnitGlob("web\\*.service").hasWildcards()).isFalse();
        assertThat(new UnitGlob("web@*.service").hasWildcards()).isTrue();
        assertThat(new UnitGlob("db?").hasWildcards()).isTrue();
        assertThat(new UnitGlob("[ab]").hasWildcards()).isTrue();
    }

    @Test
    void malformedPatternsAreRefusedWithTheirOffset() {
        assertThatThrownBy(() -> new UnitGlob("ab[cd")).isInstanceOfSatisfying(ValueSyntaxException.class,
                e -> assertThat(e.offset()).isEqualTo(2)).hasMessageContaining("unclosed '['");
        assertThatThrownBy(() -> new UnitGlob("ab\\")).isInstanceOfSatisfying(ValueSyntaxException.class,
                e -> assertThat(e.offset()).isEqualTo(2)).hasMessageContaining("ends with a backslash");
        assertThatThrownBy(() -> new UnitGlob("[z-a]")).hasMessageContaining("reversed range");
        assertThatThrownBy(() -> new UnitGlob("[]")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> new UnitGlob("[\\")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> new UnitGlob("")).hasMessageContaining("empty pattern");
    }

    @Test
    void longStarPatternsStayFast() {
        String name = "a".repeat(200) + ".service";
        assertThat(new UnitGlob("*a*a*a*a*a*a*a*a*a*b").matches(name)).isFalse();
    }
}
