package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitPlacement;
import dev.flotilla.api.UnitStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flotilla status UNIT...}: what {@code systemctl status} says of each unit, wherever it runs. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Show the status of units, as systemctl status does, wherever they run.",
        description = {"Asks the API, which asks the machine running each unit (no SSH): load and active",
                "state, since when, the machine, the main PID, why it failed, its automatic restarts and how",
                "its main process last ended, its resource limits, what its runtime adds (for a container: ID,",
                "image, ports, networks, health, top processes), and its last journal lines.",
                "A unit on no machine shows why (not started yet, or why it cannot be scheduled).",
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
        int exit = ExitCodes.OK;
        for (String arg : units) {
            String name = UnitArgs.name(arg);
            Unit unit = client.unit(name)
                    .orElseThrow(() -> new CliException(ExitCodes.NOT_FOUND, "Unit " + name + " does not exist"));
            if (!first) {
                out().println();
            }
            first = false;
            if (unit.machineID() == null && !UnitArgs.isGlobal(unit)) {
                printUnplaced(client, unit, legends);
                exit = ExitCodes.NOT_FOUND;
                continue;
            }
            print(unit, client.status(name), legends);
        }
        return exit;
    }

    /** A unit on no machine: say why (not started, or the engine's reasons it cannot be placed). */
    private void printUnplaced(FleetClient client, Unit unit, MachineLegends legends) throws ApiException {
        String description = UnitArgs.description(unit).map(d -> " - " + d).orElse("");
        out().println("\u25cb " + unit.name() + description);
        out().println("   Loaded: -");
        if ("inactive".equals(unit.desiredState())) {
            out().println("   Active: inactive (submitted; load or start it to place it on a machine)");
            return;
        }
        List<UnitPlacement.Refusal> reasons = client.placement(unit.name()).map(UnitPlacement::unschedulable)
                .orElse(List.of());
        out().println("   Active: waiting (" + unit.desiredState() + ", not placed on any machine yet)");
        if (reasons.isEmpty()) {
            out().println("   Reason: no engine has placed it yet (see list-machines)");
            return;
        }
        out().println("   Reason: it cannot be scheduled:");
        for (UnitPlacement.Refusal r : reasons) {
            out().println("     " + (r.machineID() == null ? "every machine" : legends.of(r.machineID(), false)) + ": "
                    + r.reason());
        }
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
        if (!s.limits().isEmpty()) {
            field("Limits", String.join("\n", s.limits()));
        }
        s.details().forEach(this::field);
        if (!s.recentLines().isEmpty()) {
            out().println();
            for (JournalEntry e : s.recentLines()) {
                out().println(JournalLines.format(unit.name(), e));
            }
        }
    }

    /** {@code    Label: text}, labels right-aligned as systemctl does, further lines of the text indented below it. */
    private void field(String label, String text) {
        String head = label.length() >= 9 ? label : " ".repeat(9 - label.length()) + label;
        String indent = " ".repeat(head.length() + 2);
        out().println(head + ": " + text.replace("\n", "\n" + indent));
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
