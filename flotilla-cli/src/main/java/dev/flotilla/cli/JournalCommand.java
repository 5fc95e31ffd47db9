package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.JournalEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flotilla journal [--lines N] [-f] UNIT}: a unit's output, from the machine that runs it. */
@Command(name = "journal", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Print the journal of a unit, wherever it runs.",
        description = {"Asks the API, which asks the machine running the unit (no SSH), for its last lines:",
                "what the unit wrote on stdout and stderr, and what its agent noted (started, exited).",
                "With -f, keeps printing new lines (polling every second) until interrupted.",
                "Exits 1 when the unit does not exist or does not run anywhere."})
final class JournalCommand extends ApiCommand {

    /** The most lines the API serves per request. */
    static final int MAX_LINES = 10_000;
    /** How many of the last lines {@code -f} asks for each second: more new lines than this in a second are cut. */
    static final int FOLLOW_WINDOW = 1_000;
    /** How many printed lines must match to recognise where the printed journal ends in a newer read. */
    private static final int CONTEXT = 20;

    @Option(names = "--lines", paramLabel = "N", description = "Print the last N lines (default: 10).")
    int lines = 10;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until interrupted (Ctrl-C).")
    boolean follow;

    @Parameters(paramLabel = "UNIT", arity = "0..*", description = "One unit name (or file: its base name).")
    List<String> units = new ArrayList<>();

    @Override
    int run(FleetClient client) throws ApiException {
        if (units.size() != 1) {
            throw new CliException(ExitCodes.USAGE, "One unit must be provided (got " + units.size() + ")");
        }
        if (lines < 0 || lines > MAX_LINES) {
            throw new CliException(ExitCodes.USAGE, "--lines must be from 0 to " + MAX_LINES + ", not " + lines);
        }
        String name = UnitArgs.name(units.getFirst());
        if (client.unit(name).isEmpty()) {
            throw new CliException(ExitCodes.NOT_FOUND, "Unit " + name + " does not exist");
        }
        List<JournalEntry> printed = client.journal(name, lines);
        print(name, printed);
        while (follow) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.OK;
            }
            List<JournalEntry> latest = client.journal(name, FOLLOW_WINDOW);
            List<JournalEntry> fresh = after(printed, latest);
            print(name, fresh);
            if (!fresh.isEmpty() || printed.isEmpty()) {
                printed = latest;
            }
        }
        return ExitCodes.OK;
    }

    private void print(String name, List<JournalEntry> entries) {
        for (JournalEntry e : entries) {
            out().println(JournalLines.format(name, e));
        }
        out().flush();
    }

    /**
     * The entries of {@code latest} that follow what was printed: those after the last occurrence of the last
     * printed entry whose preceding entries match the printed ones (up to {@value #CONTEXT} of them, so a
     * repeated line is not mistaken for it), or all of them when it is no longer there.
     */
    static List<JournalEntry> after(List<JournalEntry> printed, List<JournalEntry> latest) {
        if (printed.isEmpty()) {
            return latest;
        }
        for (int i = latest.size() - 1; i >= 0; i--) {
            if (matches(printed, latest, i)) {
                return List.copyOf(latest.subList(i + 1, latest.size()));
            }
        }
        return latest;
    }

    private static boolean matches(List<JournalEntry> printed, List<JournalEntry> latest, int end) {
        int n = Math.min(CONTEXT, Math.min(printed.size(), end + 1));
        for (int k = 0; k < n; k++) {
            if (!printed.get(printed.size() - 1 - k).equals(latest.get(end - k))) {
                return false;
            }
        }
        return true;
    }
}
