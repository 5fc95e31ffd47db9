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

/** {@code flotilla stop UNIT...}: stop units, leaving them loaded on their machines. */
@Command(name = "stop", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Stop one or more units in the cluster; they stay loaded and can be started again.",
        description = {"Waits until each unit is stopped (\"Unit web@01.service loaded on ...\"), unless",
                "--no-block. Exits 1 when a unit does not exist or is not loaded."})
final class StopCommand extends ApiCommand {

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
        List<String> stopping = new ArrayList<>();
        for (String raw : units) {
            String name = UnitArgs.name(raw);
            Optional<Unit> found = lookup(client, name);
            if (found.isEmpty()) {
                exit = ExitCodes.NOT_FOUND;
                continue;
            }
            Unit unit = found.get();
            boolean global = UnitArgs.isGlobal(unit);
            if (!global && DesiredState.fromWire(unit.desiredState()) == DesiredState.INACTIVE) {
                throw new CliException(ExitCodes.FAILED, "Unable to stop unit " + name + " in state inactive: "
                        + "load or start it first");
            }
            if (!global && "loaded".equals(unit.currentState()) && "loaded".equals(unit.desiredState())) {
                continue;
            }
            client.setDesiredState(name, DesiredState.LOADED);
            if (global) {
                out().println("Triggered global unit " + name + " stop");
            } else {
                stopping.add(name);
            }
        }
        new StateWaiter(client, new MachineLegends(client), out(), err()).await(stopping, DesiredState.LOADED, "stop",
                attempts, false);
        if (!stopping.isEmpty() || exit == ExitCodes.OK) {
            err().println("Successfully stopped units " + stopping.toString().replace(", ", " ") + ".");
        }
        return exit;
    }
}
