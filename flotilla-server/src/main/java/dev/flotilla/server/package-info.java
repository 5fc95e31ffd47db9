/**
 * The HTTP API every agent serves: fleet's v1 API ({@code /fleet/v1/units}, {@code /state},
 * {@code /machines}) with fleet's shapes, status codes and paging, plus Flotilla's extensions under
 * {@code /v1/} (health, why a unit is not placed, and later unit status and journal), all over a
 * {@link dev.flotilla.registry.Registry}.
 *
 * <p>Entry point: {@link dev.flotilla.server.ApiServer#start}. The server keeps no state of its own: every
 * request reads or writes the registry, so any number of agents may serve the same cluster. docs/api.md
 * describes every endpoint.
 */
package dev.flotilla.server;
