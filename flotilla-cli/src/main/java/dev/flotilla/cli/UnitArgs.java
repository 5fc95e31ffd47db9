package dev.flotilla.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.InvalidUnitNameException;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;
import dev.flotilla.unit.UnitParseException;

/**
 * How fleetctl reads its unit arguments: a file path or a unit name; {@code .service} is added when the
 * name has no known type; the unit's name is the file's base name. Also reading and checking unit files
 * the way the API will. Stateless.
 */
final class UnitArgs {

    private UnitArgs() {
    }

    /**
     * One unit argument.
     *
     * @param path the argument with its type added ({@code web@01} becomes {@code web@01.service}): where a
     *     local file would be
     * @param name the unit's name: the path's base name
     */
    record Arg(Path path, UnitName name) {
    }

    /**
     * A unit file read and checked.
     *
     * @param text the exact text (what {@code cat} will print)
     * @param options the text as fleet's options
     */
    record UnitText(String text, List<UnitOption> options) {
    }

    /**
     * Parses an argument.
     *
     * @throws CliException when the name is not a valid unit name
     */
    static Arg parse(String raw) {
        String withType = UnitName.hasKnownType(baseName(raw)) ? raw : raw + "." + UnitName.DEFAULT_TYPE;
        try {
            return new Arg(Path.of(withType), new UnitName(baseName(withType)));
        } catch (InvalidUnitNameException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        } catch (java.nio.file.InvalidPathException e) {
            throw new CliException(ExitCodes.USAGE, "\"" + raw + "\" is neither a unit name nor a file path: " + e.getReason());
        }
    }

    /** The unit name an argument stands for (fleetctl's "name mangling"). */
    static String name(String raw) {
        return parse(raw).name().name();
    }

    /**
     * Reads the unit file at {@code file} and checks it as unit {@code name}.
     *
     * @throws CliException naming the file, line, column and reason when it is invalid, or why it is unreadable
     */
    static UnitText read(Path file, UnitName name) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > UnitFile.MAX_BYTES) {
                throw new CliException(ExitCodes.USAGE, "unit file " + file + " is " + size + " bytes; at most "
                        + UnitFile.MAX_BYTES + " (1 MiB) are accepted (keep large data out of unit files)");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read unit file " + file + ": " + e.getMessage());
        }
        try {
            UnitFile parsed = UnitFile.parse(file.toString(), bytes);
            UnitDefinition.check(name, parsed);
            return new UnitText(parsed.serialise(), options(parsed));
        } catch (UnitParseException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    /**
     * Checks {@code text} (a template's, from the cluster) as unit {@code name}.
     *
     * @throws CliException naming the unit, line and reason when it is invalid for this name
     */
    static UnitText check(String text, UnitName name) {
        try {
            UnitDefinition definition = UnitDefinition.parse(name, text);
            return new UnitText(text, options(definition.file()));
        } catch (UnitParseException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    /** The unit's text as submitted: its contents when the server keeps them (Flotilla), else fleet's canonical text. */
    static String text(Unit unit) {
        if (unit.contents() != null) {
            return unit.contents();
        }
        return UnitFile.fromOptions(unit.name(), unit.options().stream()
                .map(o -> new dev.flotilla.unit.UnitOption(o.section(), o.name(), o.value())).toList()).serialise();
    }

    /** Whether agents run the unit everywhere by themselves ({@code [X-Fleet] Global=true}). */
    static boolean isGlobal(Unit unit) {
        return parsed(unit).map(f -> {
            try {
                UnitName name = new UnitName(unit.name());
                return !name.isTemplate() && FleetOptions.parse(f, name).global();
            } catch (RuntimeException e) {
                return false;
            }
        }).orElse(false);
    }

    /** The unit's {@code [Unit] Description}, if it has one. */
    static Optional<String> description(Unit unit) {
        return parsed(unit).flatMap(f -> f.value("Unit", "Description")).filter(d -> !d.isEmpty());
    }

    private static Optional<UnitFile> parsed(Unit unit) {
        try {
            return Optional.of(UnitFile.fromOptions(unit.name(), unit.options().stream()
                    .map(o -> new dev.flotilla.unit.UnitOption(o.section(), o.name(), o.value())).toList()));
        } catch (UnitParseException e) {
            return Optional.empty();
        }
    }

    private static List<UnitOption> options(UnitFile file) {
        return file.options().stream().map(o -> new UnitOption(o.section(), o.name(), o.value())).toList();
    }

    private static String baseName(String path) {
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        int slash = trimmed.lastIndexOf('/');
        return slash < 0 ? trimmed : trimmed.substring(slash + 1);
    }
}
