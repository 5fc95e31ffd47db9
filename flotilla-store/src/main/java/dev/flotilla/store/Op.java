package dev.flotilla.store;

import java.util.Objects;

/** One operation of a {@link KvStore#txn transaction} branch. */
public sealed interface Op {

    /** Writes a value, attached to {@code lease} ({@link Lease#NONE} for none). */
    record Put(String key, byte[] value, long lease) implements Op {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        public Put(String key, byte[] value) {
            this(key, value, Lease.NONE);
        }
    }

    /** Deletes a key, or every key under a prefix. */
    record Delete(String key, boolean prefix) implements Op {
        public Delete {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Reads a key, or every key under a prefix; the result lands in {@link TxnResult#gets()}. */
    record Get(String key, boolean prefix) implements Op {
        public Get {
            Objects.requireNonNull(key, "key");
        }
    }
}
