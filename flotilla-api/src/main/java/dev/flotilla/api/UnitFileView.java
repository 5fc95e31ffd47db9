package dev.flotilla.api;

/**
 * Flotilla extension, {@code GET /v1/units/{name}/file}: a unit's file for people to read, with secret-looking
 * values masked ({@code MYSQL_ROOT_PASSWORD=***}, docs/security.md), as the dashboard shows it. The file as
 * submitted stays {@code GET /fleet/v1/units/{name}}'s {@code contents}. Immutable.
 *
 * @param name the unit
 * @param hash the SHA-1 of the file as stored (of the unmasked text)
 * @param contents the file's text with secrets masked
 */
public record UnitFileView(String name, String hash, String contents) {
}
