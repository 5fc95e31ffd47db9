package dev.flotilla.registry;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

import dev.flotilla.store.Compare;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.Op;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TxnResult;

/**
 * What every part of a {@link Registry} shares, and the read and write helpers they have in
 * common. Immutable; thread-safe as the store is.
 */
record Context(KvStore store, KeyLayout keys, EventDecoder decoder, InstantSource clock) {

    /**
     * Writes {@code value} under {@code key} with {@code lease} unless the key already holds exactly
     * these bytes on this lease: an unchanged record costs a read, never a write (and so never a
     * revision). A key holding the same bytes on another lease (the agent restarted with a new one)
     * is rewritten, or it would vanish with the old lease. Returns whether it wrote.
     */
    boolean putIfChanged(String key, byte[] value, long lease) throws StoreException {
        TxnResult r = store.txn(List.of(new Compare.Value(key, value)), List.of(new Op.Get(key, false)),
                List.of(new Op.Put(key, value, lease)));
        if (!r.succeeded()) {
            return true;
        }
        List<KeyValue> found = r.gets().getFirst().kvs();
        if (!found.isEmpty() && found.getFirst().lease() == lease) {
            return false;
        }
        store.put(key, value, lease);
        return true;
    }

    /** The record under {@code key}, or empty when it is absent or malformed (logged). */
    <T> Optional<T> read(String key, BiFunction<KeyValue, KeyLayout.RegistryKey, T> decode) throws StoreException {
        Optional<KeyValue> kv = store.get(key);
        if (kv.isEmpty()) {
            return Optional.empty();
        }
        return decodeAll(List.of(kv.get()), decode).stream().findFirst();
    }

    /** The records under {@code prefix}, in key order, skipping (and logging) what does not decode. */
    <T> List<T> readAll(String prefix, BiFunction<KeyValue, KeyLayout.RegistryKey, T> decode) throws StoreException {
        return decodeAll(store.range(prefix).kvs(), decode);
    }

    <T> List<T> decodeAll(List<KeyValue> kvs, BiFunction<KeyValue, KeyLayout.RegistryKey, T> decode) {
        List<T> out = new ArrayList<>(kvs.size());
        for (KeyValue kv : kvs) {
            decoder.key(kv).flatMap(key -> decoder.decodeOrSkip(kv, () -> decode.apply(kv, key)))
                    .ifPresent(out::add);
        }
        return out;
    }

    /** Fails decoding of a key of the wrong kind under a prefix (someone wrote a stray key there). */
    static Codec.MalformedValueException wrongKey(KeyValue kv) {
        return new Codec.MalformedValueException("key " + kv.key() + ": not a key of this kind of record", null);
    }
}
