package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.unit.UnitName;

/** The per-unit journal: both streams, runtime lines, partial lines, the size bound, cleanup of command files. */
class JournalTest extends ExecTestSupport {

    private static final long BOUND_BYTES = 64 * 1024;

    @Override
    ExecRuntimeConfig config(ExecRuntimeConfig defaults) {
        return defaults.withJournalMaxBytes(BOUND_BYTES);
    }

    @Test
    void stdoutStderrAndTheRuntimesOwnLinesAreInTheJournal() throws Exception {
        start("streams.service", "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo to-out; echo to-err >&2'\n");
        List<JournalEntry> entries = runtime.journal(UnitName.parse("streams.service"), 100);

        assertThat(entries).extracting(JournalEntry::message).contains("to-out", "to-err", "Starting streams.service...",
                "Stopped streams.service.");
        assertThat(entries).filteredOn(e -> e.message().equals("to-out")).singleElement()
                .satisfies(e -> assertThat(e.identifier()).isEqualTo("sh"));
        assertThat(entries).extracting(JournalEntry::time).isSorted();
    }

    @Test
    void aLastLineWithoutLineBreakIsKeptWhenTheCommandEnds() throws Exception {
        start("partial.service", "[Service]\nType=oneshot\nExecStart=/usr/bin/printf 'no line break'\n");
        assertThat(journal("partial.service")).contains("no line break\n");
    }

    @Test
    void theJournalIsBoundedAndKeepsTheNewestLines() throws Exception {
        start("flood.service", """
                [Service]
                Type=oneshot
                ExecStart=/bin/sh -c 'i=0; while [ $i -lt 4000 ]; do echo "line $i ........................................"; i=$((i+1)); done'
                """);
        Path dir = runtime.config().stateDir().resolve("flood.service");
        long size = Files.size(dir.resolve("journal")) + Files.size(dir.resolve("journal.1"));

        assertThat(size).isLessThanOrEqualTo(BOUND_BYTES + 1024);
        String journal = journal("flood.service");
        assertThat(journal).contains("line 3999 ").doesNotContain("line 0 ");
    }

    @Test
    void commandFilesAreRemovedOnceReadAndFinished() throws Exception {
        start("tidy.service", "[Service]\nType=oneshot\nExecStart=/bin/echo tidy\nExecStart=/bin/echo again\n");
        Path run = runtime.config().stateDir().resolve("tidy.service").resolve("run");
        await().atMost(BOUND).until(() -> {
            try (Stream<Path> files = Files.list(run)) {
                return files.findAny().isEmpty();
            }
        });
        assertThat(journal("tidy.service")).containsSubsequence("tidy", "again");
    }

    @Test
    void consumedOutputOfALongRunningCommandIsFreedOnDisk() throws Exception {
        start("big.service", """
                [Service]
                ExecStart=/bin/sh -c 'head -c 3000000 /dev/zero | tr "\\\\0" "x" | fold -w 100; echo done; exec sleep 1000'
                """);
        awaitJournal("big.service", "done");
        Path run = runtime.config().stateDir().resolve("big.service").resolve("run");
        Path out;
        try (Stream<Path> files = Files.list(run)) {
            out = files.filter(p -> p.toString().endsWith(".out")).findFirst().orElseThrow();
        }
        assertThat(Files.size(out)).isGreaterThan(3_000_000);
        await().atMost(BOUND).until(() -> allocatedBytes(out) < 2_000_000);
    }

    private static long allocatedBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] f = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split(" ");
        p.waitFor();
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }
}
