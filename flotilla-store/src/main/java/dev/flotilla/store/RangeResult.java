package dev.flotilla.store;

import java.util.List;

/**
 * A consistent read of several keys.
 *
 * @param kvs      the keys found, sorted by key
 * @param revision the store revision the read was made at
 */
public record RangeResult(List<KeyValue> kvs, long revision) {
    public RangeResult {
        kvs = List.copyOf(kvs);
    }
}
