package dev.flotilla.unit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of valid unit files together with the options systemd would read from them:
 * random sections, keys, Unicode values, comments, blank lines, continuations (with comment lines
 * inside), CRLF / LF / CR line endings, trailing whitespace, byte-order marks, missing final newlines.
 * The expected options are computed from systemd's rules as written in systemd.syntax(7), not
 * with the parser under test.
 */
final class UnitTextGenerator {

    /** A generated file and the options it must parse to. */
    record Generated(String text, List<UnitOption> options) {}

    private static final String[] SECTIONS = {"Unit", "Service", "Install", "X-Fleet", "Container", "X-Extra Stuff",
        "S\u00ebction", "Timer"};
    private static final String[] KEYS = {"Description", "ExecStart", "ExecStartPre", "Environment", "Requires",
        "After", "Restart", "X-ConditionMachineOf", "MachineMetadata", "Image", "PublishPort", "TimeoutStartSec"};
    private static final String[] UNICODE = {"\u00e9", "\u00fc", "\u6771", "\u4eac", "\uD83D\uDE80", "\u00a0",
        "\uFEFF", "\u0394", "\u2028"};
    private static final String KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

    private final Random r;

    UnitTextGenerator(long seed) {
        this.r = new Random(seed);
    }

    Generated unit() {
        List<String> lines = new ArrayList<>();
        List<UnitOption> options = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            lines.add(r.nextBoolean() ? blank() : comment());
        }
        for (int s = r.nextInt(5); s > 0; s--) {
            String section = r.nextInt(5) == 0 ? word(KEY_CHARS.substring(0, 52), 1, 8) : pick(SECTIONS);
            lines.add(ws() + "[" + section + "]" + ws());
            for (int e = r.nextInt(7); e > 0; e--) {
                switch (r.nextInt(6)) {
                    case 0 -> lines.add(blank());
                    case 1 -> lines.add(comment());
                    default -> options.add(assignment(section, lines));
                }
            }
        }
        StringBuilder text = new StringBuilder(r.nextInt(10) == 0 ? "\uFEFF" : "");
        int style = r.nextInt(3);
        for (int i = 0; i < lines.size(); i++) {
            text.append(lines.get(i));
            boolean last = i == lines.size() - 1;
            if (last && r.nextInt(4) == 0) {
                break;
            }
            String eol = switch (style) {
                case 0 -> "\n";
                case 1 -> "\r\n";
                default -> new String[] {"\n", "\r\n", "\r"}[r.nextInt(3)];
            };
            if (eol.equals("\r") && !last && lines.get(i + 1).isEmpty()) {
                eol = "\n"; // "\r" then an empty line's "\n" would read as one CRLF
            }
            text.append(eol);
        }
        return new Generated(text.toString(), List.copyOf(options));
    }

    private UnitOption assignment(String section, List<String> lines) {
        String key = r.nextBoolean() ? pick(KEYS) : word(KEY_CHARS, 1, 10);
        int pieces = r.nextInt(4) == 0 ? 2 + r.nextInt(3) : 1;
        StringBuilder logical = new StringBuilder();
        for (int p = 0; p < pieces; p++) {
            boolean first = p == 0;
            boolean last = p == pieces - 1;
            String piece = text(first ? 20 : 12);
            if (!first && Lines.isComment(piece)) {
                piece = "x" + piece;
            }
            String content = (first ? ws() + key + ws() + "=" + ws() : "") + piece;
            if (last) {
                content += ws();
                if (Text.endsWithContinuation(content)) {
                    content += "x";
                }
                lines.add(content);
                logical.append(content);
            } else {
                if (Text.endsWithContinuation(content)) {
                    content += "x";
                }
                lines.add(content + "\\");
                logical.append(content).append(' ');
                for (int c = r.nextInt(5) == 0 ? 1 + r.nextInt(2) : 0; c > 0; c--) {
                    lines.add(comment());
                }
            }
        }
        String afterEquals = logical.substring(logical.indexOf("=") + 1);
        return new UnitOption(section, key, trim(afterEquals));
    }

    /** systemd's strstrip for in-line whitespace, written out independently of the parser. */
    static String trim(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && (s.charAt(b) == ' ' || s.charAt(b) == '\t')) {
            b++;
        }
        while (e > b && (s.charAt(e - 1) == ' ' || s.charAt(e - 1) == '\t')) {
            e--;
        }
        return s.substring(b, e);
    }

    private String blank() {
        return ws();
    }

    private String comment() {
        return ws() + (r.nextBoolean() ? "#" : ";") + text(25);
    }

    private String ws() {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(4) == 0 ? r.nextInt(4) : 0; i > 0; i--) {
            b.append(r.nextBoolean() ? ' ' : '\t');
        }
        return b.toString();
    }

    /** Printable ASCII (backslashes, quotes, '=', '#', '[' included), tabs, spaces and non-ASCII text. */
    String text(int max) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            int k = r.nextInt(20);
            if (k < 14) {
                b.append((char) (0x20 + r.nextInt(0x5f)));
            } else if (k < 16) {
                b.append(r.nextBoolean() ? ' ' : '\t');
            } else if (k < 17) {
                b.append('\\');
            } else {
                b.append(pick(UNICODE));
            }
        }
        return b.toString();
    }

    private String word(String alphabet, int min, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = min + r.nextInt(max - min + 1); i > 0; i--) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private String pick(String[] from) {
        return from[r.nextInt(from.length)];
    }
}
