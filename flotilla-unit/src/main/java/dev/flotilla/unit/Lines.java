package dev.flotilla.unit;

import java.util.ArrayList;
import java.util.List;

/**
 * Physical and logical lines, systemd's way. A physical line ends at {@code \n}, {@code \r\n} or a
 * lone {@code \r} (systemd's read_line accepts all three) or at the end of the text. A logical line
 * joins a physical line ending in an odd run of backslashes with the next one, the backslash
 * becoming a space; comment lines met while continuing are skipped, as systemd does.
 */
final class Lines {

    private Lines() {}

    /** One physical line: its content (no terminator) and the terminator as found ("" at EOF). */
    record Physical(int number, String content, String terminator) {
        String raw() {
            return content + terminator;
        }
    }

    /** Where a physical line's text starts inside a logical line. */
    record Segment(int start, int lineNumber, String content) {}

    /** A logical line: joined text, the segments it was built from, its raw text, next line index. */
    record Logical(String text, List<Segment> segments, String raw, int next) {

        /** {line, column} (1-based) of char {@code index} of {@link #text()}. */
        int[] position(int index) {
            Segment seg = segments.getFirst();
            for (Segment s : segments) {
                if (s.start() <= index) {
                    seg = s;
                }
            }
            return new int[] {seg.lineNumber(), Text.column(seg.content(), index - seg.start())};
        }
    }

    /** Splits {@code text} into physical lines numbered from {@code firstNumber}. */
    static List<Physical> split(String text, int firstNumber) {
        List<Physical> lines = new ArrayList<>();
        int start = 0;
        int number = firstNumber;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                int end = i;
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                lines.add(new Physical(number++, text.substring(start, end), text.substring(end, i + 1)));
                start = i + 1;
            }
        }
        if (start < n) {
            lines.add(new Physical(number, text.substring(start), ""));
        }
        return lines;
    }

    /** Whether a physical line is a comment: first non-blank char is {@code #} or {@code ;}. */
    static boolean isComment(String content) {
        int i = Text.firstNonBlank(content);
        return i < content.length() && (content.charAt(i) == '#' || content.charAt(i) == ';');
    }

    /**
     * The logical line starting at {@code lines.get(from)}, which must not be a comment. A
     * continuation at the end of the text ends the logical line there, as in systemd.
     */
    static Logical assemble(List<Physical> lines, int from) {
        StringBuilder text = new StringBuilder();
        StringBuilder raw = new StringBuilder();
        List<Segment> segments = new ArrayList<>();
        int j = from;
        while (true) {
            Physical line = lines.get(j);
            String content = line.content();
            segments.add(new Segment(text.length(), line.number(), content));
            raw.append(line.raw());
            j++;
            if (!Text.endsWithContinuation(content)) {
                text.append(content);
                break;
            }
            text.append(content, 0, content.length() - 1).append(' ');
            while (j < lines.size() && isComment(lines.get(j).content())) {
                raw.append(lines.get(j).raw());
                j++;
            }
            if (j >= lines.size()) {
                break;
            }
        }
        return new Logical(text.toString(), List.copyOf(segments), raw.toString(), j);
    }

    /** The logical line of an assignment, rebuilt from its raw text, for error positions. */
    static Logical of(UnitElement.Assignment a) {
        return assemble(split(a.raw(), a.line()), 0);
    }

    /** {line, column} of the key of {@code a}. */
    static int[] keyPosition(UnitElement.Assignment a) {
        Logical l = of(a);
        return l.position(Text.firstNonBlank(l.text()));
    }

    /** {line, column} of char {@code offset} of the value of {@code a}. */
    static int[] valuePosition(UnitElement.Assignment a, int offset) {
        Logical l = of(a);
        String t = l.text();
        int eq = t.indexOf('=');
        int start = eq + 1;
        while (start < t.length() && Text.isBlank(t.charAt(start))) {
            start++;
        }
        return l.position(Math.min(start + Math.max(0, offset), t.length()));
    }
}
