package dev.flotilla.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Flotilla extension, {@code /v1/services/...}: one place a service is served, as the agent of the machine running
 * the unit registered it from the unit's {@code [X-Service]} section, with its last health check. Immutable.
 *
 * @param service the service's name, e.g. {@code web}
 * @param unit the unit serving it, e.g. {@code web@01.service}
 * @param machineId the machine running the unit (32 hex digits)
 * @param address where to reach it: an IP address or host name
 * @param port its port, 1..65535
 * @param tags the unit's {@code Tags=}, in order (empty when none)
 * @param health {@value #PASSING}, {@value #WARNING} or {@value #CRITICAL}
 * @param since when the health last changed (ISO-8601 UTC)
 * @param output the last check's one-line result, secrets masked; null when there is none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceEndpoint(String service, String unit, String machineId, String address, int port,
        List<String> tags, String health, String since, String output) {

    /** The last check passed (or the endpoint has no check and its unit is active). */
    public static final String PASSING = "passing";
    /** The last check warned: an HTTP 429, or a command that exited 1. */
    public static final String WARNING = "warning";
    /** The last check failed, or it has not run yet. */
    public static final String CRITICAL = "critical";

    /** Copies the tags (missing reads as none). */
    public ServiceEndpoint {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** Whether traffic should go here: the health is {@value #PASSING}. Not a field of the JSON. */
    @JsonIgnore
    public boolean isPassing() {
        return PASSING.equals(health);
    }
}
