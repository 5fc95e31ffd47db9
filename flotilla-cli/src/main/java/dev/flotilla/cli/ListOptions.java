package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import picocli.CommandLine.Option;

/** The list commands' shared flags: {@code --full}/{@code -l} and {@code --no-legend}. */
final class ListOptions {

    @Option(names = {"-l", "--full"}, description = "Do not shorten machine IDs and hashes.")
    boolean full;

    @Option(names = "--no-legend", description = "Do not print the header line.")
    boolean noLegend;

    /**
     * The columns {@code fields} (fleet's comma-separated {@code --fields}) names, each one of {@code valid}.
     *
     * @throws CliException naming the first unknown field and the valid ones
     */
    static List<String> columns(String fields, Set<String> valid) {
        if (fields == null || fields.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "Must define output format: --fields needs at least one of "
                    + String.join(",", valid.stream().sorted().toList()));
        }
        List<String> columns = new ArrayList<>();
        for (String field : fields.split(",", -1)) {
            if (!valid.contains(field)) {
                throw new CliException(ExitCodes.USAGE, "Invalid key in output format: \"" + field + "\" (valid fields: "
                        + String.join(",", valid.stream().sorted().toList()) + ")");
            }
            columns.add(field);
        }
        return columns;
    }
}
