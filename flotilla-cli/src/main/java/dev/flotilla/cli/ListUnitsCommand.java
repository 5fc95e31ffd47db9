package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.UnitState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flotilla list-units}: the state of the units on their machines. */
@Command(name = "list-units", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "List the state of the units loaded on the machines of the cluster.",
        description = {"A tab-separated table, fleetctl's: UNIT, MACHINE (2aa4e35a.../10.208.201.253),",
                "ACTIVE, SUB; one line per unit and machine (a global unit has one per machine), sorted",
                "by unit, then machine. Units no agent has reported yet are not listed: see",
                "list-unit-files."},
        footer = {"", "Fields: unit, machine, active, sub, load, hash.", "", "Examples:",
                "  flotilla list-units", "  flotilla list-units --fields=unit --no-legend"})
final class ListUnitsCommand extends ApiCommand {

    private static final Set<String> FIELDS = Set.of("unit", "machine", "active", "sub", "load", "hash");

    @Mixin
    ListOptions list;

    @Option(names = "--fields", paramLabel = "FIELD[,FIELD...]", defaultValue = "unit,machine,active,sub",
            description = "Columns to print (default: ${DEFAULT-VALUE}).")
    String fields;

    @Override
    int run(FleetClient client) throws ApiException {
        List<String> columns = ListOptions.columns(fields, FIELDS);
        MachineLegends legends = new MachineLegends(client);
        Table table = new Table();
        if (!list.noLegend) {
            table.header(columns);
        }
        for (UnitState s : client.states(null, null)) {
            List<String> row = new ArrayList<>();
            for (String c : columns) {
                row.add(switch (c) {
                    case "unit" -> s.name();
                    case "machine" -> empty(s.machineID()) ? "-" : legends.of(s.machineID(), list.full);
                    case "active" -> dash(s.systemdActiveState());
                    case "sub" -> dash(s.systemdSubState());
                    case "load" -> dash(s.systemdLoadState());
                    default -> empty(s.hash()) ? "-" : list.full || s.hash().length() <= 7 ? s.hash() : s.hash().substring(0, 7);
                });
            }
            table.row(row);
        }
        out().print(table.render());
        return ExitCodes.OK;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    private static String dash(String s) {
        return empty(s) ? "-" : s;
    }
}
