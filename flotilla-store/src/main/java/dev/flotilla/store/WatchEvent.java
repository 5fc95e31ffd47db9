package dev.flotilla.store;

import java.util.Objects;

/**
 * One change seen by a watch.
 *
 * @param type what happened
 * @param kv   for a put, the key as written; for a delete, the key with an empty value, its
 *             {@code modRevision} the revision of the delete
 */
public record WatchEvent(Type type, KeyValue kv) {

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
    }

    /** The kinds of change. A delete caused by lease expiry is a {@link #DELETE} like any other. */
    public enum Type { PUT, DELETE }

    /** The store revision of the change. */
    public long revision() {
        return kv.modRevision();
    }
}
