package dev.flotilla.unit;

import static dev.flotilla.unit.Rejections.rejectedAt;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalTextTest {

    private static UnitOption o(String s, String n, String v) {
        return new UnitOption(s, n, v);
    }

    @Test
    void groupsBySectionInFirstAppearanceOrderWithBlankLineBetween() {
        UnitFile f = UnitFile.fromOptions("x.service", List.of(o("Unit", "Description", "X"),
                o("Service", "ExecStart", "/bin/true"), o("Unit", "After", "a.service"), o("X-Fleet", "Global", "true")));
        assertThat(f.serialise()).isEqualTo("[Unit]\nDescription=X\nAfter=a.service\n\n"
                + "[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nGlobal=true\n");
        assertThat(f.options()).containsExactly(o("Unit", "Description", "X"), o("Unit", "After", "a.service"),
                o("Service", "ExecStart", "/bin/true"), o("X-Fleet", "Global", "true"));
    }

    @Test
    void emptyListGivesEmptyText() {
        assertThat(UnitFile.fromOptions("x", List.of()).serialise()).isEmpty();
    }

    @Test
    void hashOfCanonicalTextMatchesFleetsLayout() {
        UnitFile f = UnitFile.fromOptions("x", List.of(o("Unit", "A", "1")));
        assertThat(f.hash().hex()).isEqualTo("57f9ae55f7aa024c2d59095205ee365cb4d10889");
    }

    @Test
    void valuesWithContinuationsAsNewerFleetctlSendsThemAreKept() {
        UnitFile f = UnitFile.fromOptions("x", List.of(o("Service", "ExecStart", "/bin/sh -c '\\\n  echo hi'"),
                o("Service", "ExecStop", "/bin/true")));
        assertThat(f.serialise()).isEqualTo("[Service]\nExecStart=/bin/sh -c '\\\n  echo hi'\nExecStop=/bin/true\n");
        assertThat(f.options()).containsExactly(o("Service", "ExecStart", "/bin/sh -c '   echo hi'"),
                o("Service", "ExecStop", "/bin/true"));
    }

    @Test
    void parsedOptionsRebuildToTheSameOptions() {
        UnitFile parsed = Fixtures.unit("monweb@.service");
        assertThat(UnitFile.fromOptions("y", parsed.options()).options()).isEqualTo(parsed.options());
    }

    @Test
    void valueEndingInABackslashGetsASpaceSoItIsNotAContinuation() {
        UnitFile f = UnitFile.fromOptions("x", List.of(o("S", "A", "C:\\"), o("S", "B", "2")));
        assertThat(f.serialise()).isEqualTo("[S]\nA=C:\\ \nB=2\n");
        assertThat(f.options()).containsExactly(o("S", "A", "C:\\"), o("S", "B", "2"));
    }

    @Test
    void refusesWhatCannotBeWrittenAsUnitSyntax() {
        rejectedAt(() -> UnitFile.fromOptions("x", List.of(o("S", "A", "1"), o("S", "B", "a\nC=evil"))),
                3, 4, "line break in the value of S.B without a continuation backslash");
        rejectedAt(() -> UnitFile.fromOptions("x", List.of(o("S", "A", "a\\\n# c"), o("S", "B", "1"))),
                3, 1, "would be read as a comment");
        rejectedAt(() -> UnitFile.fromOptions("x", List.of(o("S", "Bad Name", "1"))), 2, 4, "invalid character ' '");
        rejectedAt(() -> UnitFile.fromOptions("x", List.of(o("S", "", "1"))), 2, 1, "empty option name");
        rejectedAt(() -> UnitFile.fromOptions("x", List.of(o("S]", "A", "1"))), 1, 3, "invalid character ']'");
        rejectedAt(() -> UnitFile.fromOptions("x", List.of(o("", "A", "1"))), 1, 2, "empty section name");
        rejectedAt(() -> UnitFile.fromOptions("x", List.of(o("S", "A", "1"), o("S", "B", "x\0y"))), 3, 4, "NUL");
        rejectedAt(() -> UnitFile.fromOptions("x", List.of(o("T", "Z", "1"), o("S", "A", "\uD800"))), 5, 3,
                "unpaired");
    }
}
