package dev.flotilla.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One key as stored.
 *
 * @param key            the key
 * @param value          its bytes (empty for a delete event); callers must not modify the array
 * @param createRevision store revision of the put that created this key (since it last did not exist)
 * @param modRevision    store revision of the last change to this key
 * @param version        number of puts since the key was created (1 for a new key; 0 in delete events)
 * @param lease          the lease the key is attached to, or {@link Lease#NONE}
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version, long lease) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** The value decoded as UTF-8. */
    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && key.equals(kv.key) && Arrays.equals(value, kv.value)
                && createRevision == kv.createRevision && modRevision == kv.modRevision
                && version == kv.version && lease == kv.lease;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(value), createRevision, modRevision, version, lease);
    }

    @Override
    public String toString() {
        return "KeyValue[" + key + "=" + valueAsString() + ", create=" + createRevision + ", mod=" + modRevision
                + ", version=" + version + ", lease=" + lease + "]";
    }
}
