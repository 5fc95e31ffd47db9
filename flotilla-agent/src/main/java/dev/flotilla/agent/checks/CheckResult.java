package dev.flotilla.agent.checks;

import java.util.Objects;

import dev.flotilla.registry.ServiceEndpoint;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.unit.Secrets;

/**
 * The verdict of one health check and its one-line output. The output names what was seen
 * ({@code HTTP 200}, {@code connection refused}) but never how long it took, so that an endpoint
 * checked again with the same result is the same value and is not written again. Immutable.
 *
 * @param health the verdict
 * @param output one line for people: secrets redacted, at most {@link ServiceEndpoint#MAX_OUTPUT_LENGTH} characters
 */
public record CheckResult(ServiceHealth health, String output) {

    /** Redacts, keeps the first line and clips the output. */
    public CheckResult {
        Objects.requireNonNull(health, "health");
        String line = Secrets.redact(Objects.requireNonNull(output, "output")).strip().lines().findFirst().orElse("");
        int max = ServiceEndpoint.MAX_OUTPUT_LENGTH;
        output = line.length() <= max ? line : line.substring(0, max - 3) + "...";
    }
}
