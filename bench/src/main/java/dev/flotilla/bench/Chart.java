package dev.flotilla.bench;

import java.util.List;
import java.util.Objects;

/**
 * One chart of a benchmark, as data: the page writer draws it to a PNG. Either bars (a median
 * with its spread, grouped) or lines (a quantity over time or over load), not both.
 *
 * @param id unique within its section; the PNG is {@code docs/benchmarks/<section>-<id>.png}
 * @param title the chart's title
 * @param xLabel the x axis' label (the groups of bars, or the lines' x quantity)
 * @param yLabel the y axis' label, with its unit ({@code "placements/s"}, {@code "ms"})
 * @param bars the bars, drawn in order; bars of one {@link Bar#series} share a colour
 * @param lines the lines, drawn in order
 */
public record Chart(String id, String title, String xLabel, String yLabel, List<Bar> bars, List<Line> lines) {

    public Chart {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(xLabel, "xLabel");
        Objects.requireNonNull(yLabel, "yLabel");
        bars = List.copyOf(bars);
        lines = List.copyOf(lines);
        if (bars.isEmpty() == lines.isEmpty()) {
            throw new IllegalArgumentException("chart " + id + ": give bars or lines, not both or neither");
        }
    }

    /** A bar chart. */
    public static Chart bars(String id, String title, String xLabel, String yLabel, List<Bar> bars) {
        return new Chart(id, title, xLabel, yLabel, bars, List.of());
    }

    /** A line chart. */
    public static Chart lines(String id, String title, String xLabel, String yLabel, List<Line> lines) {
        return new Chart(id, title, xLabel, yLabel, List.of(), lines);
    }

    /**
     * One bar: the median of repeated runs, and their spread.
     *
     * @param group where on the x axis ({@code "etcd"}, {@code "put, 1 client"})
     * @param series which colour/legend entry ({@code "flotilla lb"}, {@code "p99"})
     * @param median the bar's height
     * @param min the lowest run (the error bar's foot; {@code median} when run once)
     * @param max the highest run
     */
    public record Bar(String group, String series, double median, double min, double max) {

        /** A bar from a {@link Stats}. */
        static Bar of(String group, String series, Stats stats) {
            return new Bar(group, series, stats.median(), stats.min(), stats.max());
        }
    }

    /** One line: points in x order. */
    public record Line(String series, List<Double> x, List<Double> y) {

        public Line {
            x = List.copyOf(x);
            y = List.copyOf(y);
            if (x.size() != y.size()) {
                throw new IllegalArgumentException("line " + series + ": " + x.size() + " x values but " + y.size()
                        + " y values");
            }
        }
    }
}
