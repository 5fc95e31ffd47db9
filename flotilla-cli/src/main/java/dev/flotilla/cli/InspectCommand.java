package dev.flotilla.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flotilla inspect UNIT}: the container engine's inspect of a container unit, wherever it runs. */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Print the container engine's inspect of a container unit, wherever it runs.",
        description = {"Asks the API, which asks the machine running the unit (no SSH), for what its Docker",
                "engine says of the unit's container: the JSON of 'docker inspect', indented (--raw: as the",
                "engine wrote it). Exits 1 when the unit does not exist, does not run anywhere, or has no",
                "container (only .container units have one)."})
final class InspectCommand extends ApiCommand {

    @Option(names = "--raw", description = "Print the JSON as the engine wrote it, on one line.")
    boolean raw;

    @Parameters(paramLabel = "UNIT", arity = "0..*", description = "One unit name (or file: its base name).")
    List<String> units = new ArrayList<>();

    @Override
    int run(FleetClient client) throws ApiException {
        if (units.size() != 1) {
            throw new CliException(ExitCodes.USAGE, "One unit must be provided (got " + units.size() + ")");
        }
        String name = UnitArgs.name(units.getFirst());
        if (client.unit(name).isEmpty()) {
            throw new CliException(ExitCodes.NOT_FOUND, "Unit " + name + " does not exist");
        }
        String json = client.inspect(name);
        out().println(raw ? json.strip() : indent(json));
        return ExitCodes.OK;
    }

    /** {@code json} indented two spaces per level, as {@code docker inspect} prints it. */
    static String indent(String json) {
        JsonFactory factory = new JsonFactory();
        StringWriter out = new StringWriter();
        try (JsonParser in = factory.createParser(json); JsonGenerator g = factory.createGenerator(out)) {
            // "key": value, as docker inspect writes it (Jackson's default puts a space before the colon too)
            g.setPrettyPrinter(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));
            while (in.nextToken() != null) {
                g.copyCurrentEvent(in);
            }
        } catch (IOException e) {
            return json;
        }
        return out.toString();
    }
}
