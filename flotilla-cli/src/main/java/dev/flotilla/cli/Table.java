package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * fleetctl's tables: cells separated by tabs, each column padded with tabs to a common width, exactly as
 * Go's {@code text/tabwriter} does with fleetctl's settings (tab width 8, padding 1, padding character
 * tab): a column is as wide as its widest cell plus one, rounded up to a multiple of 8, and a cell is
 * followed by as many tabs as reach that width. The last cell of a line is not padded. Not thread-safe.
 */
final class Table {

    private static final int TAB_WIDTH = 8;
    private static final int PADDING = 1;

    private final List<List<String>> lines = new ArrayList<>();

    /** Adds the header: the field names, upper-cased. */
    Table header(List<String> fields) {
        lines.add(fields.stream().map(f -> f.toUpperCase(Locale.ROOT)).toList());
        return this;
    }

    /** Adds a line of cells. */
    Table row(List<String> cells) {
        lines.add(List.copyOf(cells));
        return this;
    }

    /** The table as text, every line ending in a line break. */
    String render() {
        int columns = lines.stream().mapToInt(List::size).max().orElse(0);
        int[] width = new int[columns];
        for (List<String> line : lines) {
            for (int j = 0; j < line.size() - 1; j++) {
                width[j] = Math.max(width[j], length(line.get(j)) + PADDING);
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : lines) {
            for (int j = 0; j < line.size(); j++) {
                String cell = line.get(j);
                out.append(cell);
                if (j < line.size() - 1) {
                    int cellWidth = (width[j] + TAB_WIDTH - 1) / TAB_WIDTH * TAB_WIDTH;
                    int padding = cellWidth - length(cell);
                    out.append("\t".repeat((padding + TAB_WIDTH - 1) / TAB_WIDTH));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Go counts runes, not UTF-16 units. */
    private static int length(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}
