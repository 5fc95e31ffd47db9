package dev.flotilla.store;

import java.util.Objects;

/** A condition of a {@link KvStore#txn transaction}; all of a transaction's compares must hold. */
public sealed interface Compare {

    /** The key the condition reads. */
    String key();

    /** The key's value equals {@code value} (false when the key does not exist). */
    record Value(String key, byte[] value) implements Compare {
        public Value {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** The key's modification revision equals {@code modRevision}; 0 means the key does not exist. */
    record ModRevision(String key, long modRevision) implements Compare {
        public ModRevision {
            Objects.requireNonNull(key, "key");
        }
    }

    /** The key's version equals {@code version}; 0 means the key does not exist. */
    record Version(String key, long version) implements Compare {
        public Version {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Holds when the key does not exist. */
    static Compare absent(String key) {
        return new Version(key, 0);
    }
}
