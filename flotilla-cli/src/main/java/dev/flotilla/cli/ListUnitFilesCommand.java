package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.unit.ContentHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flotilla list-unit-files}: every unit of the cluster, loaded or not. */
@Command(name = "list-unit-files", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "List the units that exist in the cluster, whether or not they are loaded on a machine.",
        description = {"A tab-separated table, fleetctl's: UNIT, HASH (7 characters), DSTATE (desired state),",
                "STATE (current state; - for global units), TARGET (the machine it is placed on, - when",
                "none, global for global units); sorted by unit."},
        footer = {"", "Fields: unit, hash, dstate, state, target, global, desc (tmachine: old name of target).",
                "", "Examples:", "  flotilla list-unit-files", "  flotilla list-unit-files --fields=unit --no-legend"})
final class ListUnitFilesCommand extends ApiCommand {

    private static final Set<String> FIELDS = Set.of("unit", "hash", "dstate", "state", "target", "tmachine", "global",
            "desc");

    @Mixin
    ListOptions list;

    @Option(names = "--fields", paramLabel = "FIELD[,FIELD...]", defaultValue = "unit,hash,dstate,state,target",
            description = "Columns to print (default: ${DEFAULT-VALUE}).")
    String fields;

    @Override
    int run(FleetClient client) throws ApiException {
        List<String> columns = ListOptions.columns(fields, FIELDS);
        if (columns.contains("tmachine")) {
            err().println("WARNING: The \"tmachine\" field is deprecated. Use \"target\" instead");
        }
        MachineLegends legends = new MachineLegends(client);
        Table table = new Table();
        if (!list.noLegend) {
            table.header(columns);
        }
        for (Unit u : client.units()) {
            boolean global = UnitArgs.isGlobal(u);
            List<String> row = new ArrayList<>();
            for (String c : columns) {
                row.add(switch (c) {
                    case "unit" -> u.name();
                    case "hash" -> hash(u);
                    case "dstate" -> u.desiredState() == null || u.desiredState().isEmpty() ? "-" : u.desiredState();
                    case "state" -> global || u.currentState() == null || u.currentState().isEmpty() ? "-" : u.currentState();
                    case "global" -> Boolean.toString(global);
                    case "desc" -> UnitArgs.description(u).orElse("-");
                    default -> global ? "global" : u.machineID() == null || u.machineID().isEmpty() ? "-"
                            : legends.of(u.machineID(), list.full);
                });
            }
            table.row(row);
        }
        out().print(table.render());
        return ExitCodes.OK;
    }

    /** The stored file's hash (Flotilla says it); from fleet, the hash of the canonical text, as fleetctl computed it. */
    private String hash(Unit u) {
        String hex = u.hash() != null ? u.hash() : ContentHash.of(UnitArgs.text(u)).hex();
        return list.full ? hex : hex.substring(0, ContentHash.SHORT_LENGTH);
    }
}
