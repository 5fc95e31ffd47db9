package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
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
        return lower(client, units, DesiredState.INACTIVE, "unload", "unloaded", block.attempts());
    }
}
