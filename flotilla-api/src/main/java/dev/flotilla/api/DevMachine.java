package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Dev mode only ({@code GET /v1/dev/machines}): one simulated machine of a {@code flotilla dev} or
 * {@code flotilla demo} cluster, which a user may stop and start again to watch the cluster heal. Immutable.
 *
 * @param number the machine's number, 1 and up (its hostname is {@code machine-N})
 * @param ip its address (127.0.0.2 and up)
 * @param machineId its machine ID (kept across a stop and start); null before it first started
 * @param running whether its agent, engine and API run
 * @param api its API's URL while it runs, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DevMachine(int number, String ip, String machineId, boolean running, String api) {
}
