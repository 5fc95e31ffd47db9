package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Flotilla extension, {@code GET /v1/health}: the serving agent can read the cluster store. Immutable.
 *
 * @param status {@code ok}
 * @param leader the machine ID of the engine leader; null when no engine leads right now
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Health(String status, String leader) {
}
