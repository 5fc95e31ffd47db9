package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Machine;
import dev.flotilla.api.MachineDetails;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flotilla list-machines}: the machines of the cluster. */
@Command(name = "list-machines", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "List the machines of the cluster.",
        description = {"A tab-separated table, fleetctl's: MACHINE (8-character ID and ..., the whole ID with",
                "--full), IP, METADATA (k=v,k2=v2 sorted; - when none)."},
        footer = {"", "Fields: machine, ip, metadata, state (available, or draining: see drain-machine).", "",
                "Example:", "  flotilla list-machines --no-legend", "  flotilla list-machines --fields machine,ip,state"})
final class ListMachinesCommand extends ApiCommand {

    private static final Set<String> FIELDS = Set.of("machine", "ip", "metadata", "state");

    @Mixin
    ListOptions list;

    @Option(names = "--fields", paramLabel = "FIELD[,FIELD...]", defaultValue = "machine,ip,metadata",
            description = "Columns to print (default: ${DEFAULT-VALUE}).")
    String fields;

    @Override
    int run(FleetClient client) throws ApiException {
        List<String> columns = ListOptions.columns(fields, FIELDS);
        Table table = new Table();
        if (!list.noLegend) {
            table.header(columns);
        }
        // fleet's table reads fleet's endpoint; only the state column needs Flotilla's /v1/machines.
        Set<String> draining = columns.contains("state") ? client.machineDetails().stream()
                .filter(d -> d.draining() != null).map(MachineDetails::id).collect(Collectors.toSet()) : Set.of();
        for (Machine m : client.machines()) {
            List<String> row = new ArrayList<>();
            for (String c : columns) {
                row.add(switch (c) {
                    case "machine" -> list.full ? m.id() : MachineLegends.shortId(m.id());
                    case "ip" -> m.primaryIP() == null || m.primaryIP().isEmpty() ? "-" : m.primaryIP();
                    case "state" -> draining.contains(m.id()) ? "draining" : "available";
                    default -> metadata(m.metadata());
                });
            }
            table.row(row);
        }
        out().print(table.render());
        return ExitCodes.OK;
    }

    private static String metadata(Map<String, String> metadata) {
        return metadata.isEmpty() ? "-" : metadata.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
