package dev.flotilla.registry;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.flotilla.unit.ServiceSpec;
import dev.flotilla.unit.UnitName;

/**
 * Where one unit on one machine serves a service, and how healthy it is: what an agent publishes
 * ({@code services/<service>/<unit>/<machine>}, on its lease) for load balancers and clients to
 * find. Immutable; two equal endpoints encode to the same bytes, so an unchanged endpoint is never
 * rewritten.
 *
 * @param service the service name ({@value #NAME_REGEX})
 * @param unit the unit serving it
 * @param machineId the machine it runs on
 * @param address the IP address or host name to connect to
 * @param port the TCP port, 1..65535
 * @param tags free words for clients to select on (versions, roles), in declaration order
 * @param health the last check's verdict
 * @param since when {@code health} last changed (not when it was last checked: an unchanged endpoint
 *     is an unchanged value, which keeps an idle cluster from writing)
 * @param output the last check's one-line result for people, at most {@value #MAX_OUTPUT_LENGTH} characters
 */
public record ServiceEndpoint(String service, UnitName unit, MachineId machineId, String address, int port,
        List<String> tags, ServiceHealth health, Instant since, Optional<String> output) {

    /** What a service name must match: DNS-label-like, so it fits a key component, a URL and a host name. */
    public static final String NAME_REGEX = ServiceSpec.NAME_REGEX;
    /** Longest {@link #output} accepted, so that endpoints stay small values. */
    public static final int MAX_OUTPUT_LENGTH = 512;

    /** The order of {@link Services#list()}: by service, then unit, then machine. */
    static final Comparator<ServiceEndpoint> ORDER = Comparator.comparing(ServiceEndpoint::service)
            .thenComparing(ServiceEndpoint::unit).thenComparing(ServiceEndpoint::machineId);

    /**
     * Validates the endpoint and copies its tags.
     *
     * @throws IllegalArgumentException when the service name, address, port, a tag or the output is invalid
     */
    public ServiceEndpoint {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(output, "output");
        requireValidName(service);
        if (address.isBlank() || address.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
            throw new IllegalArgumentException("endpoint of " + unit + ": \"" + address
                    + "\" is not an address (an IP address or a host name)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint of " + unit + ": port " + port + " is not in 1..65535");
        }
        tags = List.copyOf(tags);
        for (String tag : tags) {
            if (tag.isBlank() || tag.chars().anyMatch(c -> Character.isWhitespace(c) || c == ',')) {
                throw new IllegalArgumentException("endpoint of " + unit + ": \"" + tag
                        + "\" is not a tag (a word without spaces or commas)");
            }
        }
        if (output.isPresent() && output.get().length() > MAX_OUTPUT_LENGTH) {
            throw new IllegalArgumentException("endpoint of " + unit + ": the output is " + output.get().length()
                    + " characters long; at most " + MAX_OUTPUT_LENGTH + " are kept");
        }
    }

    /** Whether {@code name} is a valid service name ({@value #NAME_REGEX}). */
    public static boolean isValidName(String name) {
        return ServiceSpec.isValidName(name);
    }

    /**
     * Returns {@code name} if it is a valid service name.
     *
     * @throws IllegalArgumentException naming the rule otherwise
     */
    public static String requireValidName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("\"" + name + "\" is not a service name: lower-case letters, digits"
                    + " and '-', starting with a letter or digit, at most 63 characters");
        }
        return name;
    }

    /** This endpoint with another health, changed at {@code at}, and {@code output}. */
    public ServiceEndpoint withHealth(ServiceHealth newHealth, Instant at, Optional<String> newOutput) {
        return new ServiceEndpoint(service, unit, machineId, address, port, tags, newHealth,
                newHealth == health ? since : at, newOutput);
    }

    /** The {@code host:port} to connect to (IPv6 addresses in brackets). */
    public String hostPort() {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
}
