package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Flotilla extension, {@code /v1/kv/...}: one of the cluster's user keys (what sidekicks write, e.g.
 * {@code /services/web/web01/host}). Immutable.
 *
 * @param key the key, starting with {@code /}
 * @param value its value, UTF-8 text
 * @param createRevision the store revision that created the key
 * @param modRevision the store revision of its last write
 * @param version how many writes since the key was created (1: new)
 * @param ttl seconds the key has left before it expires; null when it has no TTL (and in listings)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KvEntry(String key, String value, long createRevision, long modRevision, long version, Long ttl) {
}
