package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
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
        return lower(client, units, DesiredState.LOADED, "stop", "stopped", block.attempts());
    }
}
