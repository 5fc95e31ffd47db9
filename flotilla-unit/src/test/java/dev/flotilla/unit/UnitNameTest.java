package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnitNameTest {

    @Test
    void plainTemplateAndInstance() {
        UnitName db = UnitName.parse("db.service");
        assertThat(db.kind()).isEqualTo(UnitName.Kind.PLAIN);
        assertThat(db.prefix()).isEqualTo("db");
        assertThat(db.instance()).isEmpty();
        assertThat(db.type()).isEqualTo("service");
        assertThat(db.template()).isEmpty();

        UnitName template = UnitName.parse("web@.service");
        assertThat(template.isTemplate()).isTrue();
        assertThat(template.prefix()).isEqualTo("web");
        assertThat(template.instance()).isEmpty();
        assertThat(template.template()).isEmpty();

        UnitName instance = UnitName.parse("web@01.service");
        assertThat(instance.isInstance()).isTrue();
        assertThat(instance.prefix()).isEqualTo("web");
        assertThat(instance.instance()).isEqualTo("01");
        assertThat(instance.nameWithoutType()).isEqualTo("web@01");
        assertThat(instance.template()).contains(template);
        assertThat(template.withInstance("01")).isEqualTo(instance);
        assertThat(instance.withInstance("02")).isEqualTo(UnitName.parse("web@02.service"));
    }

    @ParameterizedTest
    @CsvSource({"web@01, web@01.service", "db, db.service", "a.b, a.b.service", "x.timer, x.timer",
            "web@.container, web@.container", "mnt-data.mount, mnt-data.mount", "foo.Service, foo.Service.service"})
    void parseAppendsServiceWithoutAKnownType(String raw, String full) {
        assertThat(UnitName.parse(raw).name()).isEqualTo(full);
        assertThat(UnitName.parse(raw).toString()).isEqualTo(full);
    }

    @Test
    void firstAtSplitsAndLastDotStartsTheType() {
        UnitName n = UnitName.parse("a.b@c@d.e.socket");
        assertThat(n.prefix()).isEqualTo("a.b");
        assertThat(n.instance()).isEqualTo("c@d.e");
        assertThat(n.type()).isEqualTo("socket");
    }

    @Test
    void ofBuildsFromParts() {
        assertThat(UnitName.of("web", "01", "service")).isEqualTo(new UnitName("web@01.service"));
        assertThat(UnitName.of("web", "", "service").isTemplate()).isTrue();
        assertThat(UnitName.of("db", null, "container").name()).isEqualTo("db.container");
        assertThatThrownBy(() -> UnitName.of("a@b", "c", "service")).isInstanceOf(InvalidUnitNameException.class)
                .hasMessageContaining("prefix must not contain '@'");
    }

    @Test
    void badCharacterIsNamedWithItsPosition() {
        assertThatThrownBy(() -> UnitName.parse("we b.service"))
                .isInstanceOfSatisfying(InvalidUnitNameException.class, e -> {
                    assertThat(e.position()).isEqualTo(3);
                    assertThat(e.offset()).isEqualTo(2);
                    assertThat(e.name()).isEqualTo("we b.service");
                })
                .hasMessage("invalid unit name \"we b.service\": character ' ' at position 3 is not allowed "
                        + "(allowed: A-Z a-z 0-9 : _ . @ - \\)");
        assertThatThrownBy(() -> UnitName.parse("caf\u00e9")).hasMessageContaining("character '\u00e9' at position 4");
        assertThatThrownBy(() -> UnitName.parse("a/b")).hasMessageContaining("'/' at position 2");
        assertThatThrownBy(() -> UnitName.parse("tab\tx")).hasMessageContaining("U+0009 at position 4");
    }

    @Test
    void refusesFleetsOtherBadNames() {
        assertThatThrownBy(() -> UnitName.parse("")).isInstanceOf(InvalidUnitNameException.class);
        assertThatThrownBy(() -> new UnitName("")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> UnitName.parse("@web.service")).hasMessageContaining("must not start with '@'");
        assertThatThrownBy(() -> UnitName.parse(".service")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> UnitName.parse("@.service")).hasMessageContaining("must not start with '@'");
        assertThatThrownBy(() -> new UnitName("web")).hasMessageContaining("does not end in a known type");
        assertThatThrownBy(() -> new UnitName("web.exe")).hasMessageContaining("does not end in a known type");
        assertThatThrownBy(() -> UnitName.parse("db").withInstance("1")).hasMessageContaining("not a template");
        assertThatThrownBy(() -> UnitName.parse("web@").withInstance("")).hasMessageContaining("must not be empty");
    }

    @Test
    void lengthLimitIs256IncludingTheSuffix() {
        String ok = "a".repeat(256 - ".service".length());
        assertThat(UnitName.parse(ok).name()).hasSize(256);
        assertThatThrownBy(() -> UnitName.parse(ok + "b"))
                .isInstanceOfSatisfying(InvalidUnitNameException.class, e -> assertThat(e.position()).isEqualTo(257))
                .hasMessageContaining("257 characters long; at most 256");
    }

    @Test
    void escapeAndUnescapeFollowSystemd() {
        assertThat(UnitName.escape("/mnt/my data")).isEqualTo("-mnt-my\\x20data");
        assertThat(UnitName.escape("a-b")).isEqualTo("a\\x2db");
        assertThat(UnitName.escape(".hidden/x")).isEqualTo("\\x2ehidden-x");
        assertThat(UnitName.escape("é")).isEqualTo("\\xc3\\xa9");
        assertThat(UnitName.unescape("-mnt-my\\x20data")).isEqualTo("/mnt/my data");
        assertThat(UnitName.unescape("\\xc3\\xa9t\\xc3\\xa9")).isEqualTo("été");
        assertThat(UnitName.unescape("a\\xzz")).isEqualTo("a\\xzz");
        assertThat(new UnitName("disk@dev-sda\\x2d1.service").instance()).isEqualTo("dev-sda\\x2d1");
    }

    @Test
    void ordersByName() {
        assertThat(UnitName.parse("b")).isGreaterThan(UnitName.parse("a"));
    }
}
