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

/** {@code flotilla restart UNIT...}: stop then start units, one after the other (a rolling restart). */
@Command(name = "restart", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Restart one or more units in the cluster, one at a time; a stopped unit is started.",
        description = {"Each running unit is stopped and started again, and the next unit waits until it",
                "is active (\"Unit web@01.service launched on ...\"). Exits 1 when a unit does not exist,",
                "is not loaded, or is global (restarting global units is not supported yet)."})
final class RestartCommand extends ApiCommand {

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
        StateWaiter waiter = new StateWaiter(client, new MachineLegends(client), out(), err());
        int exit = ExitCodes.OK;
        for (String raw : units) {
            String name = UnitArgs.name(raw);
            Optional<Unit> found = lookup(client, name);
            if (found.isEmpty()) {
                exit = ExitCodes.NOT_FOUND;
                continue;
            }
            Unit unit = found.get();
            if (UnitArgs.isGlobal(unit)) {
                err().println("Unable to restart global unit " + name + ": restarting global units is not supported "
                        + "yet; stop and start it");
                exit = ExitCodes.FAILED;
                continue;
            }
            if ("inactive".equals(unit.desiredState())) {
                err().println("Unable to restart unit " + name + " in state inactive: load or start it first");
                exit = ExitCodes.FAILED;
                continue;
            }
            if ("launched".equals(unit.desiredState())) {
                client.setDesiredState(name, DesiredState.LOADED);
                waiter.await(List.of(name), DesiredState.LOADED, "stop", attempts, true);
            }
            client.setDesiredState(name, DesiredState.LAUNCHED);
            waiter.await(List.of(name), DesiredState.LAUNCHED, "start", attempts, false);
        }
        return exit;
    }
}
