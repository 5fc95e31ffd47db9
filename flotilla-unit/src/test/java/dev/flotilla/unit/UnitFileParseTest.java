package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitFileParseTest {

    private static UnitFile parse(String text) {
        UnitFile f = UnitFile.parse("t.service", text);
        assertThat(f.serialise()).isEqualTo(text);
        return f;
    }

    @Test
    void sectionsAndRepeatedKeysKeepFileOrder() {
        UnitFile f = parse("[Unit]\nDescription=x\nRequires=a.service\n\n[Service]\nExecStartPre=/bin/a\n"
                + "ExecStartPre=/bin/b\n[Unit]\nRequires=b.service\n");
        assertThat(f.options()).containsExactly(
                new UnitOption("Unit", "Description", "x"),
                new UnitOption("Unit", "Requires", "a.service"),
                new UnitOption("Service", "ExecStartPre", "/bin/a"),
                new UnitOption("Service", "ExecStartPre", "/bin/b"),
                new UnitOption("Unit", "Requires", "b.service"));
        assertThat(f.sections()).containsExactly("Unit", "Service");
        assertThat(f.values("Unit", "Requires")).containsExactly("a.service", "b.service");
        assertThat(f.options("Service")).hasSize(2);
    }

    @Test
    void commentsStartWithHashOrSemicolonAfterOptionalWhitespace() {
        UnitFile f = parse("# top\n[Unit]\n  ; indented\n\t# tabbed\nA=1 # not a comment\n");
        assertThat(f.options()).containsExactly(new UnitOption("Unit", "A", "1 # not a comment"));
        assertThat(f.elements()).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("Comment", "SectionHeader", "Comment", "Comment", "Assignment");
    }

    @Test
    void continuationReplacesBackslashAndNewlineWithASpace() {
        UnitFile f = parse("[Service]\nExecStart=/bin/echo a\\\n  b\\\nc\n");
        assertThat(f.value("Service", "ExecStart")).contains("/bin/echo a   b c");
        assertThat(f.elements().get(1).line()).isEqualTo(2);
    }

    @Test
    void commentLinesInsideAContinuationAreSkipped() {
        UnitFile f = parse("[S]\nKey=one \\\n# skipped \\\n; skipped too\n  two\nNext=3\n");
        assertThat(f.options()).containsExactly(new UnitOption("S", "Key", "one    two"), new UnitOption("S", "Next", "3"));
    }

    @Test
    void evenBackslashRunIsNotAContinuation() {
        UnitFile f = parse("[S]\nA=x\\\\\nB=y\n");
        assertThat(f.options()).containsExactly(new UnitOption("S", "A", "x\\\\"), new UnitOption("S", "B", "y"));
    }

    @Test
    void backslashFollowedBySpaceIsNotAContinuation() {
        UnitFile f = parse("[S]\nA=x\\ \nB=y\n");
        assertThat(f.values("S", "A")).containsExactly("x\\");
    }

    @Test
    void continuationEndsAtAnEmptyLineAndAtEndOfFile() {
        assertThat(parse("[S]\nA=1\\\n\nB=2\\").options())
                .containsExactly(new UnitOption("S", "A", "1"), new UnitOption("S", "B", "2"));
    }

    @Test
    void emptyAssignmentResetsTheList() {
        UnitFile f = parse("[S]\nL=a\nL=b\nL=\nL=c\nL=d\n");
        assertThat(f.values("S", "L")).containsExactly("c", "d");
        assertThat(parse("[S]\nL=a\nL=\n").values("S", "L")).isEmpty();
        assertThat(parse("[S]\nL=a\nL=\n").value("S", "L")).contains("");
    }

    @Test
    void lastValueWins() {
        UnitFile f = parse("[S]\nA=1\nA=2\n");
        assertThat(f.value("S", "A")).contains("2");
        assertThat(f.value("S", "missing")).isEmpty();
        assertThat(f.value("Other", "A")).isEmpty();
    }

    @Test
    void whitespaceAroundEqualsAndAtEndsIsTrimmedButInnerWhitespaceKept() {
        UnitFile f = parse("[S]\n  Key \t=  \t a  b \t \n");
        assertThat(f.options()).containsExactly(new UnitOption("S", "Key", "a  b"));
        assertThat(parse("  [S]  \nA=\u00a0x\u00a0\n").value("S", "A")).contains("\u00a0x\u00a0");
    }

    @Test
    void valueMayContainEqualsSignsAndBrackets() {
        assertThat(parse("[S]\nEnvironment=A=b=c [x]\n").value("S", "Environment")).contains("A=b=c [x]");
    }

    @Test
    void byteOrderMarkIsToleratedAndKept() {
        UnitFile f = parse("\uFEFF[Unit]\nA=1\n");
        assertThat(f.hasByteOrderMark()).isTrue();
        assertThat(f.options()).containsExactly(new UnitOption("Unit", "A", "1"));
        byte[] bytes = "\uFEFF[Unit]\nA=1\n".getBytes(StandardCharsets.UTF_8);
        assertThat(UnitFile.parse("b", bytes).serialise().getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
    }

    @Test
    void crlfAndLoneCrLineEndingsAreLineBreaksAndKept() {
        UnitFile f = parse("[Unit]\r\nA=1\r\nB=x\\\r\n y\rC=3");
        assertThat(f.options()).containsExactly(new UnitOption("Unit", "A", "1"),
                new UnitOption("Unit", "B", "x  y"), new UnitOption("Unit", "C", "3"));
    }

    @Test
    void missingFinalNewlineIsKept() {
        assertThat(parse("[Unit]\nA=1").serialise()).endsWith("A=1");
    }

    @Test
    void emptyAndCommentOnlyFilesAreValid() {
        assertThat(parse("").options()).isEmpty();
        assertThat(parse("# nothing\n\n").options()).isEmpty();
    }

    @Test
    void utf8BytesDecodeToUnicodeValues() {
        String text = "[Unit]\nDescription=Café 東京 \uD83D\uDE80\n";
        UnitFile f = UnitFile.parse("u", text.getBytes(StandardCharsets.UTF_8));
        assertThat(f.value("Unit", "Description")).contains("Café 東京 \uD83D\uDE80");
        assertThat(f.hash()).isEqualTo(ContentHash.of(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void elementsCarryLineNumbersAndRawText() {
        UnitFile f = parse("[A]\nK=v\\\n# c\n w\n\n; end\n");
        List<UnitElement> e = f.elements();
        assertThat(e).hasSize(4);
        assertThat(e.get(1)).isEqualTo(new UnitElement.Assignment(2, "A", "K", "v  w", "K=v\\\n# c\n w\n"));
        assertThat(e.get(2)).isEqualTo(new UnitElement.Blank(5, "\n"));
        assertThat(e.get(3)).isEqualTo(new UnitElement.Comment(6, "; end\n"));
        assertThat(f.assignments("A")).hasSize(1);
    }

    @Test
    void sectionNamesMayHoldSpacesAndUnicode() {
        assertThat(parse("[X Fleet ü]\nA=1\n").sections()).containsExactly("X Fleet ü");
    }

    @Test
    void hashIsSha1OfTheTextAsSubmitted() {
        UnitFile a = parse("[Unit]\nA=1\n");
        UnitFile b = parse("[Unit]\nA = 1\n");
        assertThat(a.hash().hex()).isEqualTo("57f9ae55f7aa024c2d59095205ee365cb4d10889");
        assertThat(parse("").hash().hex()).isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assertThat(a.options()).isEqualTo(b.options());
        assertThat(a.hash()).isNotEqualTo(b.hash());
        assertThat(a.hash().shortHex()).hasSize(7).isEqualTo(a.hash().hex().substring(0, 7));
    }

    @Test
    void equalityFollowsSourceAndText() {
        assertThat(UnitFile.parse("a", "[S]\nA=1\n")).isEqualTo(UnitFile.parse("a", "[S]\nA=1\n"))
                .isNotEqualTo(UnitFile.parse("b", "[S]\nA=1\n"));
    }
}
