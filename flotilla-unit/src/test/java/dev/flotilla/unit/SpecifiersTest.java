package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecifiersTest {

    private static final MachineFacts CORE01 = MachineFacts.of("6847f4f7aa0b4c2d8e9f00112233aabb", "core01",
            "0123456789abcdef0123456789abcdef").withPublicIp("162.242.254.113").withPrivateIp("10.208.201.226");

    @ParameterizedTest(name = "{0} in {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "%n | web@01.service | web@01.service",
            "%N | web@01.service | web@01",
            "%p | web@01.service | web",
            "%P | a-b@x.service | a/b",
            "%i | web@01.service | 01",
            "%i | db.service | ''",
            "%I | disk@dev-sda\\x2d1.service | dev/sda-1",
            "%f | disk@dev-sda.service | /dev/sda",
            "%f | mnt-data.mount | /mnt/data",
            "%f | root@-.service | /",
            "%H | db.service | core01",
            "%m | db.service | 6847f4f7aa0b4c2d8e9f00112233aabb",
            "%b | db.service | 0123456789abcdef0123456789abcdef",
            "100%% | db.service | 100%",
            "%%i | web@1.service | %i",
            "/srv/%p/%i/%H.log | web@07.service | /srv/web/07/core01.log"})
    void expandsWithSystemdMeanings(String text, String unit, String expected) {
        assertThat(Specifiers.expand(text, new UnitName(unit), CORE01)).isEqualTo(expected);
    }

    @Test
    void textWithoutPercentIsReturnedAsIs() {
        assertThat(Specifiers.expand("plain ü \uD83D\uDE80", UnitName.parse("x"), CORE01)).isEqualTo("plain ü \uD83D\uDE80");
    }

    @Test
    void unknownSpecifierIsNamed() {
        assertThatThrownBy(() -> Specifiers.expand("ab%xcd", UnitName.parse("x"), CORE01))
                .isInstanceOfSatisfying(SpecifierException.class, e -> {
                    assertThat(e.specifier()).isEqualTo("%x");
                    assertThat(e.offset()).isEqualTo(2);
                })
                .hasMessageContaining("unknown specifier \"%x\"");
        assertThatThrownBy(() -> Specifiers.expand("%\uD83D\uDE80", UnitName.parse("x"), CORE01))
                .isInstanceOfSatisfying(SpecifierException.class,
                        e -> assertThat(e.specifier()).isEqualTo("%\uD83D\uDE80"));
    }

    @Test
    void trailingPercentIsIncomplete() {
        assertThatThrownBy(() -> Specifiers.expand("100%", UnitName.parse("x"), CORE01))
                .isInstanceOfSatisfying(SpecifierException.class, e -> {
                    assertThat(e.specifier()).isEqualTo("%");
                    assertThat(e.offset()).isEqualTo(3);
                })
                .hasMessageContaining("write %% for a literal %");
    }

    @Test
    void schedulingTimeVariantExpandsOnlyFleetsSet() {
        UnitName n = UnitName.parse("monweb@07");
        assertThat(Specifiers.expandForScheduling("%n %N %p %i 5%%", n)).isEqualTo("monweb@07.service monweb@07 monweb 07 5%");
        for (String machineOnly : new String[] {"%H", "%m", "%b", "%P", "%I", "%f"}) {
            assertThatThrownBy(() -> Specifiers.expandForScheduling("x" + machineOnly, n))
                    .isInstanceOfSatisfying(SpecifierException.class, e -> {
                        assertThat(e.specifier()).isEqualTo(machineOnly);
                        assertThat(e.offset()).isEqualTo(1);
                    })
                    .hasMessageContaining("not available here");
        }
        assertThatThrownBy(() -> Specifiers.expandForScheduling("%q", n)).hasMessageContaining("known: %n %N %p %i %%");
    }

    @Test
    void machineFactsCarryMoreThanSpecifiersUse() {
        assertThat(CORE01.publicIp()).contains("162.242.254.113");
        assertThat(CORE01.privateIp()).contains("10.208.201.226");
        assertThat(CORE01.withMetadata(java.util.Map.of("role", "web")).metadata()).containsEntry("role", "web");
        assertThatThrownBy(() -> MachineFacts.of("", "h", "b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(MachineFacts.placeholder().hostname()).isEqualTo("localhost");
    }
}
