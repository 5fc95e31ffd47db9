package dev.flotilla.unit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A unit as submitted, checked the way the API checks it before storing: the text parses, the
 * {@code [X-Fleet]} options are valid, the {@code [X-Service]} section is valid, and a {@code .container} unit's {@code [Container]}
 * section is valid (with stand-in machine facts, since no machine is chosen yet; templates are
 * skipped because their values may only make sense per instance, e.g. {@code PublishPort=%i:80}).
 * Immutable.
 *
 * @param name the unit's name
 * @param file the parsed file
 * @param fleet its scheduling constraints
 * @param service its {@code [X-Service]} section, when it has one; always empty for a template
 *     (checked per instance, since {@code Port=180%i} means nothing without an instance)
 */
public record UnitDefinition(UnitName name, UnitFile file, FleetOptions fleet, Optional<ServiceSpec> service) {

    /** Checks that no component is null. */
    public UnitDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(service, "service");
    }

    /**
     * Parses and checks a unit submitted as text ({@code fleetctl submit}, {@code flotilla submit}).
     *
     * @throws UnitParseException (its source is {@code name}) when any check fails
     */
    public static UnitDefinition parse(UnitName name, String text) {
        return check(name, UnitFile.parse(name.name(), text));
    }

    /**
     * Builds and checks a unit submitted as an option list (fleet's HTTP API); the text is the
     * canonical one ({@link UnitFile#fromOptions}).
     *
     * @throws UnitParseException (its source is {@code name}) when any check fails
     */
    public static UnitDefinition fromOptions(UnitName name, List<UnitOption> options) {
        return check(name, UnitFile.fromOptions(name.name(), options));
    }

    /**
     * Runs the checks on an already parsed file.
     *
     * @throws UnitParseException when {@code [X-Fleet]}, {@code [X-Service]} or {@code [Container]} is invalid
     */
    public static UnitDefinition check(UnitName name, UnitFile file) {
        FleetOptions fleet = FleetOptions.parse(file, name);
        Optional<ServiceSpec> service = name.isTemplate() ? Optional.empty() : ServiceSpec.parse(file, name);
        if (name.type().equals("container") && !name.isTemplate()) {
            ContainerSpec.parse(file, name, MachineFacts.placeholder());
        }
        return new UnitDefinition(name, file, fleet, service);
    }

    /** The content hash of the text as submitted. */
    public ContentHash hash() {
        return file.hash();
    }
}
