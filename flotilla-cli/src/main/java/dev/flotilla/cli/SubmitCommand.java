package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flotilla submit UNIT...}: upload units without starting them. */
@Command(name = "submit", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Upload one or more units to the cluster without starting them.",
        description = {"Each UNIT is a unit file (its name is the file's base name) or the name of an instance",
                "of a template in the cluster or on disk (web@05.service from web@.service).",
                "Every file is checked first: an invalid one is reported with its file, line and reason, and",
                "nothing is submitted. A unit that exists with the same contents is left alone."},
        footer = {"", "Examples:", "  flotilla submit *.service", "  flotilla submit --replace web@.service"})
final class SubmitCommand extends ApiCommand {

    @Option(names = "--replace", description = "Replace units whose file differs from the one in the cluster "
            + "(only while they are inactive).")
    boolean replace;

    @Parameters(paramLabel = "UNIT", arity = "0..*", description = "Unit files or names.")
    List<String> units = new ArrayList<>();

    @Override
    int run(FleetClient client) throws ApiException {
        if (units.isEmpty()) {
            return noUnits();
        }
        new UnitSubmitter(client, out(), err(), replace, "submit").ensure(units);
        return ExitCodes.OK;
    }
}
