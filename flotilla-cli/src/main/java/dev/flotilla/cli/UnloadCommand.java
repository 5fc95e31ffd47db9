package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code flotilla unload UNIT...}: take units off their machines, keeping them in the cluster. */
@Command(name = "unload", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Unschedule one or more units in the cluster; they stay submitted (inactive).",
        description = {"Waits until each unit is inactive (\"Unit web@01.service inactive\"), unless",
                "--no-block. Exits 1 when a unit does not exist."})
final class UnloadCommand extends ApiCommand {

    @Mixin
    BlockOptions block;

    @Parameters(paramLabel = "UNIT", arity = "0..*", description = "Unit names (or files: their base names).")
    List<String> units = new ArrayList<>();

    @Override
    int run(FleetClient client) throws ApiException {
        if (units.isEmpty()) {
            return noUnits();
        }
        int attempts = block.attempts();
        int exit = ExitCodes.OK;
        List<String> unloading = new ArrayList<>();
        for (String raw : units) {
            String name = UnitArgs.name(raw);
            Optional<Unit> found = lookup(client, name);
            if (found.isEmpty()) {
                exit = ExitCodes.NOT_FOUND;
                continue;
            }
            Unit unit = found.get();
            boolean global = UnitArgs.isGlobal(unit);
            if (!global && "inactive".equals(unit.desiredState()) && "inactive".equals(unit.currentState())) {
                continue;
            }
            client.setDesiredState(name, DesiredState.INACTIVE);
            if (global) {
                out().println("Triggered global unit " + name + " unload");
            } else {
                unloading.add(name);
            }
        }
        new StateWaiter(client, new MachineLegends(client), out(), err()).await(unloading, DesiredState.INACTIVE,
                "unload", attempts, false);
        if (!unloading.isEmpty() || exit == ExitCodes.OK) {
            err().println("Successfully unloaded units " + unloading.toString().replace(", ", " ") + ".");
        }
        return exit;
    }
}
