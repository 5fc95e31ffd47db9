/**
 * The fleet v1 HTTP API as Java records, plus Flotilla's extensions, and {@link dev.flotilla.api.FleetClient},
 * a small client for it. Depends on Jackson and the JDK only, so that the CLI (and any tool) can talk to a
 * cluster without loading anything server-side.
 *
 * <p>The records mirror fleet's JSON field for field ({@code machineID}, {@code primaryIP}, ...); fields
 * fleet omits when empty are null here and omitted on the wire. Flotilla's extension fields (such as
 * {@link dev.flotilla.api.Unit#contents()}) are ignored by fleet's own clients. docs/api.md describes every
 * endpoint, shape and status code.
 */
package dev.flotilla.api;
