package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flotilla status UNIT...}: what {@code systemctl status} says of each unit, wherever it runs. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Show the status of units, as systemctl status does, wherever they run.",
        description = {"Asks the API, which asks the machine running each unit (no SSH): load and active",
                "state, since when, the machine, the main PID, why it failed, its automatic restarts and how",
                "its main process last ended, and its last journal lines.",
                "Exits 1 when a unit does not exist or does not run anywhere."})
final class StatusCommand extends ApiCommand {

    @Parameters(paramLabel = "UNIT", arity = "0..*", description = "Unit names (or files: their base names).")
    List<String> units = new ArrayList<>();

    @Override
    int run(FleetClient client) throws ApiException {
        if (units.isEmpty()) {
            return noUnits();
        }
        MachineLegends legends = new MachineLegends(client);
        boolean first = true;
        for (String arg : units) {
            String name = UnitArgs.name(arg);
            Unit unit = client.unit(name)
                    .orElseThrow(() -> new CliException(ExitCodes.NOT_FOUND, "Unit " + name + " does not exist"));
            UnitStatus status = client.status(name);
            if (!first) {
                out().println();
            }
            first = false;
            print(unit, status, legends);
        }
        return ExitCodes.OK;
    }

    private void print(Unit unit, UnitStatus s, MachineLegends legends) throws ApiException {
        String description = UnitArgs.description(unit).map(d -> " - " + d).orElse("");
        out().println(("active".equals(s.systemdActiveState()) ? "\u25cf " : "\u25cb ") + unit.name() + description);
        out().println("   Loaded: " + orDash(s.systemdLoadState()));
        out().println("   Active: " + orDash(s.systemdActiveState())
                + (s.systemdSubState() == null ? "" : " (" + s.systemdSubState() + ")")
                + (s.since() == null ? "" : " since " + JournalLines.since(s.since())));
        if (s.machineID() != null) {
            out().println("  Machine: " + legends.of(s.machineID(), false));
        }
        if (s.mainPID() != null) {
            out().println(" Main PID: " + s.mainPID());
        }
        if (s.reason() != null && !s.reason().isEmpty()) {
            out().println("   Reason: " + s.reason());
        }
        if (s.restarts() != null && s.restarts() > 0) {
            out().println(" Restarts: " + s.restarts() + " (Restart=, since the last start)");
        }
        if (s.lastExit() != null) {
            out().println("Last exit: " + s.lastExit());
        }
        if (!s.recentLines().isEmpty()) {
            out().println();
            for (JournalEntry e : s.recentLines()) {
                out().println(JournalLines.format(unit.name(), e));
            }
        }
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
