package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page writer on real sections (a store smoke run, and a launch-style section with a line chart):
 * the stored JSON, the PNGs and the page linking them; rerunning one benchmark keeps the other's figures.
 */
class BenchPageSmokeTest {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path docs;

    @Test
    void storesResultsDrawsChartsAndRebuildsThePageFromAllOfThem() throws Exception {
        Section store = BenchMain.store(200, 1, 4);
        Section launch = new Section("launch", "Launch: start to active",
                "Result: p99 1 ms, goal met.\n\n| quantile | ms |\n|---|---|\n| p50 | 1 |\n",
                List.of(Chart.lines("latency", "Start to active over the starts", "start", "ms",
                        List.of(new Chart.Line("start → active", List.of(1.0, 2.0, 3.0), List.of(4.0, 5.0, 3.5))))));
        Files.createDirectories(docs.resolve("benchmarks/notes"));
        Files.writeString(docs.resolve("benchmarks/notes/store.md"), "### Why etcd is slower\n\nRaft's fsync.\n");
        BenchPage page = new BenchPage(docs);
        page.store(store, Instant.now(), BenchPage.loadAverage());
        page.store(launch, Instant.now(), BenchPage.loadAverage());
        page.write();

        String md = Files.readString(page.page());
        assertThat(md).contains("## Summary", "| [launch](#launch-start-to-active) | ", "p99 1 ms, goal met.",
                "## Store: put, CAS and watch delivery", "| embedded, in memory |", "Ratios to etcd",
                "![Start to active over the starts](benchmarks/launch-latency.png)",
                "(benchmarks/store-throughput.png)", "(benchmarks/store-watch-latency.png)",
                "### Why etcd is slower\n\nRaft's fsync.", "| cli | ", "not run yet");
        assertThat(md.indexOf("## Store")).isLessThan(md.indexOf("## Launch"));
        for (String png : List.of("store-throughput.png", "store-watch-latency.png", "launch-latency.png")) {
            byte[] bytes = Files.readAllBytes(docs.resolve("benchmarks").resolve(png));
            assertThat(bytes.length).as(png).isGreaterThan(1_000);
            assertThat(Arrays.copyOf(bytes, 8)).as(png).isEqualTo(PNG_MAGIC);
        }
        String json = Files.readString(docs.resolve("benchmarks/results/store.json"));
        assertThat(json).contains("\"name\" : \"store\"", "\"commit\"", "\"cpu\"", "\"etcd\"", "\"loadBefore\"",
                "\"median\"");

        // Rerunning launch alone (now without charts): store's figures and charts stay, launch's old chart goes.
        page.store(Section.of("launch", "Launch: start to active", "| p50 | 2 ms |\n"), Instant.now(), "1 / 1 / 1");
        page.write();
        String again = Files.readString(page.page());
        assertThat(again).contains("| embedded, in memory |", "(benchmarks/store-throughput.png)", "| p50 | 2 ms |")
                .doesNotContain("launch-latency.png", "p99 1 ms");
        assertThat(docs.resolve("benchmarks/store-throughput.png")).exists();
        assertThat(docs.resolve("benchmarks/launch-latency.png")).doesNotExist();
    }
}
