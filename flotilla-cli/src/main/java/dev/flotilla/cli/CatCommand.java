package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flotilla cat UNIT}: print a submitted unit's file. */
@Command(name = "cat", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Print the unit file of a submitted unit, exactly as it was submitted.",
        description = {"Prints the file byte for byte, comments and line continuations included (a unit",
                "submitted as options by fleetctl prints in fleet's canonical layout). Exits 1 when the",
                "unit does not exist."})
final class CatCommand extends ApiCommand {

    @Parameters(paramLabel = "UNIT", arity = "0..*", description = "One unit name (or file: its base name).")
    List<String> units = new ArrayList<>();

    @Override
    int run(FleetClient client) throws ApiException {
        if (units.size() != 1) {
            throw new CliException(ExitCodes.USAGE, "One unit file must be provided (got " + units.size() + ")");
        }
        String name = UnitArgs.name(units.getFirst());
        Unit unit = client.unit(name)
                .orElseThrow(() -> new CliException(ExitCodes.NOT_FOUND, "Unit " + name + " not found"));
        // No line break added: the file is printed exactly as it is.
        out().print(UnitArgs.text(unit));
        return ExitCodes.OK;
    }
}
