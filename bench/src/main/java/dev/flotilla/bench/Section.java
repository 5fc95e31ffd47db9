package dev.flotilla.bench;

import java.util.List;
import java.util.Objects;

/**
 * What one benchmark run contributes to docs/benchmarks.md: its figures as Markdown and the
 * charts drawn from them. {@code bench/run} keeps the last section of every benchmark, so
 * running one benchmark rewrites the page without losing the others' figures.
 *
 * @param name the benchmark's name on the command line ({@code store}, {@code scale}); also the
 *     file name stem of its stored result and charts
 * @param title the page heading
 * @param markdown the figures: tables and the lines that explain them, no heading
 * @param charts charts drawn from the same figures, in page order
 */
public record Section(String name, String title, String markdown, List<Chart> charts) {

    public Section {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(markdown, "markdown");
        charts = List.copyOf(charts);
    }

    /** A section without charts. */
    public static Section of(String name, String title, String markdown) {
        return new Section(name, title, markdown, List.of());
    }
}
