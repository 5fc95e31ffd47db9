package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code flotilla destroy UNIT...}: remove units from the cluster entirely. */
@Command(name = "destroy", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Destroy one or more units in the cluster: their agents stop them and they are forgotten.",
        description = {"Prints \"Destroyed NAME\" for each. Exits 1 when a unit does not exist (the others",
                "are still destroyed). The unit is gone from the cluster when destroy returns, so",
                "--no-block and --block-attempts are accepted for fleetctl's sake and change nothing."},
        footer = {"", "Example (the tutorial's cleanup):",
                "  flotilla destroy $(flotilla list-unit-files --fields=unit --no-legend)"})
final class DestroyCommand extends ApiCommand {

    @Mixin
    BlockOptions block;

    @Parameters(paramLabel = "UNIT", arity = "0..*", description = "Unit names (or files: their base names).")
    List<String> units = new ArrayList<>();

    @Override
    int run(FleetClient client) throws ApiException {
        if (units.isEmpty()) {
            return noUnits();
        }
        block.attempts();
        List<String> names = new ArrayList<>();
        for (String raw : units) {
            names.add(UnitArgs.name(raw));
        }
        int exit = ExitCodes.OK;
        for (String name : names) {
            if (client.destroyUnit(name)) {
                out().println("Destroyed " + name);
            } else {
                err().println("Unit " + name + " not found");
                exit = ExitCodes.NOT_FOUND;
            }
        }
        return exit;
    }
}
