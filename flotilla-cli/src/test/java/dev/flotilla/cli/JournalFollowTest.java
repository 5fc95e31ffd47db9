package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.flotilla.api.JournalEntry;

/** How {@code journal -f} finds the lines it has not printed yet in a newer read of the journal. */
class JournalFollowTest {

    private static JournalEntry line(int second, String message) {
        return new JournalEntry("2025-01-01T00:00:0" + second + "Z", "m", "sh", message);
    }

    @Test
    void printsOnlyWhatFollowsTheLastPrintedLine() {
        List<JournalEntry> printed = List.of(line(1, "a"), line(2, "b"));
        List<JournalEntry> latest = List.of(line(1, "a"), line(2, "b"), line(3, "c"), line(4, "d"));
        assertThat(JournalCommand.after(printed, latest)).containsExactly(line(3, "c"), line(4, "d"));
        assertThat(JournalCommand.after(printed, printed)).isEmpty();
    }

    @Test
    void aRepeatedLineIsNotMistakenForThePrintedOne() {
        JournalEntry tick = line(1, "tick");
        List<JournalEntry> printed = List.of(line(0, "start"), tick);
        List<JournalEntry> latest = List.of(line(0, "start"), tick, line(2, "x"), tick);
        assertThat(JournalCommand.after(printed, latest)).containsExactly(line(2, "x"), tick);
    }

    @Test
    void everythingIsNewWhenThePrintedLinesAreGone() {
        List<JournalEntry> latest = List.of(line(5, "e"));
        assertThat(JournalCommand.after(List.of(line(1, "a")), latest)).isEqualTo(latest);
        assertThat(JournalCommand.after(List.of(), latest)).isEqualTo(latest);
    }
}
