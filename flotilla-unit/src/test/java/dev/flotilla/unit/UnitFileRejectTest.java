package dev.flotilla.unit;

import static dev.flotilla.unit.Rejections.rejectedAt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UnitFileRejectTest {

    private static UnitParseException rejectText(String text, int line, int column, String reason) {
        return rejectedAt(() -> UnitFile.parse("t.service", text), line, column, reason);
    }

    private static UnitParseException rejectBytes(byte[] bytes, int line, int column, String reason) {
        return rejectedAt(() -> UnitFile.parse("t.service", bytes), line, column, reason);
    }

    private static byte[] bytes(String prefix, int... tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
        for (int b : tail) {
            out.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void entryBeforeAnySection() {
        rejectText("A=1\n", 1, 1, "entry before any section header");
        rejectText("# c\n\n  A=1\n[S]\n", 3, 3, "entry before any section header");
    }

    @Test
    void messageIsNameLineColumnReason() {
        UnitParseException e = rejectText("[S]\nA=1\njust words\n", 3, 1, "line has no '='");
        assertThat(e.getMessage()).startsWith("t.service:3:1: line has no '='");
        assertThat(e.source()).isEqualTo("t.service");
    }

    @Test
    void malformedSectionHeaders() {
        rejectText("[Unit\nA=1\n", 1, 1, "missing its closing ']'");
        rejectText("[S]\n  [Unit] trailing\n", 2, 9, "unexpected text after ']'");
        rejectText("[]\n", 1, 1, "empty section name");
        rejectText("[Un\"it]\n", 1, 4, "invalid character '\"' in section name");
        rejectText("[A[B]\n", 1, 3, "invalid character '['");
        rejectText("[Unit]\\\nDescription=x\n", 1, 7, "unexpected text after ']'");
    }

    @Test
    void lineWithoutEquals() {
        rejectText("[S]\nA=1\n  ExecStart /bin/true\n", 3, 3, "line has no '='");
        rejectText("[S]\nfoo \\\n bar\n", 2, 1, "line has no '='");
    }

    @Test
    void missingKeyName() {
        rejectText("[S]\n  =value\n", 2, 3, "missing option name");
    }

    @Test
    void invalidKeyCharacters() {
        rejectText("[S]\nExec Start=x\n", 2, 5, "invalid character ' ' in option name \"Exec Start\"");
        rejectText("[S]\n  Kéy=1\n", 2, 4, "invalid character 'é'");
        rejectText("[S]\nA\"B=1\n", 2, 2, "invalid character '\"'");
    }

    @Test
    void nulIsRefusedWithItsPosition() {
        rejectText("[S]\nA=a\0b\n", 2, 4, "NUL");
        rejectText("# comment \0\n", 1, 11, "NUL");
    }

    @Test
    void unpairedSurrogateIsRefused() {
        rejectText("[S]\nA=\uD800\n", 2, 3, "unpaired UTF-16 surrogate U+D800");
        rejectText("[S]\nA=x\uDC00\n", 2, 4, "unpaired");
    }

    @Test
    void invalidUtf8IsRefusedWithItsLineAndColumn() {
        rejectBytes(bytes("[S]\nA=caf", 0xC3, 0x28), 2, 6, "invalid UTF-8 byte 0xC3 at byte offset 9");
        rejectBytes(bytes("[S]\r\nA=\u00e9\r\nB=", 0xC0, 0xAF), 3, 3, "invalid UTF-8 byte 0xC0");
        rejectBytes(bytes("[S]\nA=", 0xE2, 0x82), 2, 3, "invalid UTF-8 byte 0xE2");
        rejectBytes(bytes("", 0xFF), 1, 1, "invalid UTF-8 byte 0xFF at byte offset 0");
        rejectBytes(bytes("\uFEFF[S]", 0xFE), 1, 4, "invalid UTF-8");
        rejectBytes(bytes("[S]\nA=", 0xED, 0xA0, 0x80), 2, 3, "invalid UTF-8 byte 0xED");
    }

    @Test
    void columnsCountCodePointsNotChars() {
        rejectText("[S]\nA=\uD83D\uDE80\0\n", 2, 4, "NUL");
    }
}
