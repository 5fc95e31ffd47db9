/**
 * The unit-file language: systemd unit syntax, fleet's {@code [X-Fleet]} options, unit names,
 * templates, specifiers and Podman-Quadlet-style {@code [Container]} units.
 *
 * <p>Entry points: {@link dev.flotilla.unit.UnitFile} (parse, serialise, options),
 * {@link dev.flotilla.unit.UnitName} (names, templates, instances),
 * {@link dev.flotilla.unit.Specifiers} (the one {@code %} expander),
 * {@link dev.flotilla.unit.FleetOptions} (scheduling constraints),
 * {@link dev.flotilla.unit.ContainerSpec} (container units),
 * {@link dev.flotilla.unit.UnitDefinition} (all checks a submitted unit must pass),
 * {@link dev.flotilla.unit.TimeSpan} (systemd durations) and
 * {@link dev.flotilla.unit.Secrets} (the redaction rule for secret-looking values in output and logs).
 *
 * <p>Every type here is immutable and thread-safe; helpers are stateless. Malformed input is
 * reported with {@link dev.flotilla.unit.UnitParseException} ({@code name:line:col: reason}) when it
 * comes from a unit file, and with {@link dev.flotilla.unit.ValueSyntaxException} or one of its
 * subtypes when a single value is parsed on its own. The package has no dependencies beyond the JDK.
 */
package dev.flotilla.unit;
