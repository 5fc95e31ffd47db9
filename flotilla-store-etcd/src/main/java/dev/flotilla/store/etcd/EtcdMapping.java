package dev.flotilla.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;

import dev.flotilla.store.Compare;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.Op;
import dev.flotilla.store.RangeResult;
import dev.flotilla.store.WatchEvent;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;

/** Conversions between the store's types and jetcd's. Keys are UTF-8. Stateless. */
final class EtcdMapping {
    /** etcd's "from the first key" and "to the end": a prefix range over the whole keyspace. */
    private static final ByteSequence ZERO = ByteSequence.from(new byte[] {0});

    private EtcdMapping() {
    }

    static ByteSequence key(String key) {
        return ByteSequence.from(key, UTF_8);
    }

    /** The start key of a prefix range; the empty prefix (every key) starts at "\0". */
    static ByteSequence prefixStart(String prefix) {
        return prefix.isEmpty() ? ZERO : key(prefix);
    }

    static GetOption prefixGet(String prefix) {
        return prefix.isEmpty() ? GetOption.builder().withRange(ZERO).build() : GetOption.builder().isPrefix(true).build();
    }

    static DeleteOption prefixDelete(String prefix) {
        return prefix.isEmpty() ? DeleteOption.builder().withRange(ZERO).build()
                : DeleteOption.builder().isPrefix(true).build();
    }

    static WatchOption.Builder watchOption(String keyOrPrefix, boolean prefix) {
        WatchOption.Builder builder = WatchOption.builder();
        if (prefix && keyOrPrefix.isEmpty()) {
            builder.withRange(ZERO);
        } else if (prefix) {
            builder.isPrefix(true);
        }
        return builder;
    }

    static PutOption put(long leaseId) {
        return PutOption.builder().withLeaseId(leaseId).build();
    }

    static KeyValue keyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().toString(UTF_8), kv.getValue().getBytes(), kv.getCreateRevision(),
                kv.getModRevision(), kv.getVersion(), kv.getLease());
    }

    static RangeResult rangeResult(GetResponse response, long fallbackRevision) {
        long revision = response.getHeader() != null && response.getHeader().getRevision() > 0
                ? response.getHeader().getRevision() : fallbackRevision;
        return new RangeResult(response.getKvs().stream().map(EtcdMapping::keyValue).toList(), revision);
    }

    static WatchEvent watchEvent(io.etcd.jetcd.watch.WatchEvent event) {
        WatchEvent.Type type = switch (event.getEventType()) {
            case PUT -> WatchEvent.Type.PUT;
            case DELETE -> WatchEvent.Type.DELETE;
            case UNRECOGNIZED -> throw new IllegalStateException("etcd sent an unknown watch event type");
        };
        return new WatchEvent(type, keyValue(event.getKeyValue()));
    }

    static Cmp compare(Compare compare) {
        return switch (compare) {
            case Compare.Value v -> new Cmp(key(v.key()), Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(v.value())));
            case Compare.ModRevision m -> new Cmp(key(m.key()), Cmp.Op.EQUAL, CmpTarget.modRevision(m.modRevision()));
            case Compare.Version v -> new Cmp(key(v.key()), Cmp.Op.EQUAL, CmpTarget.version(v.version()));
        };
    }

    /**
     * A branch's operations for etcd, gets first: etcd lets a get see the writes made before it in
     * the same transaction, while the store promises gets see the state before the branch's writes.
     */
    static io.etcd.jetcd.op.Op[] branch(List<Op> ops) {
        List<io.etcd.jetcd.op.Op> gets = new ArrayList<>();
        List<io.etcd.jetcd.op.Op> writes = new ArrayList<>();
        for (Op op : ops) {
            switch (op) {
                case Op.Get g -> gets.add(io.etcd.jetcd.op.Op.get(prefixStartOrKey(g.key(), g.prefix()),
                        g.prefix() ? prefixGet(g.key()) : GetOption.DEFAULT));
                case Op.Put p -> writes.add(io.etcd.jetcd.op.Op.put(key(p.key()), ByteSequence.from(p.value()),
                        put(p.lease())));
                case Op.Delete d -> writes.add(io.etcd.jetcd.op.Op.delete(prefixStartOrKey(d.key(), d.prefix()),
                        d.prefix() ? prefixDelete(d.key()) : DeleteOption.DEFAULT));
            }
        }
        gets.addAll(writes);
        return gets.toArray(io.etcd.jetcd.op.Op[]::new);
    }

    /** The distinct leases the puts of both branches attach keys to. */
    static List<Long> leases(List<Op> then, List<Op> otherwise) {
        List<Long> leases = new ArrayList<>();
        for (List<Op> ops : List.of(then, otherwise)) {
            for (Op op : ops) {
                if (op instanceof Op.Put p && p.lease() != 0 && !leases.contains(p.lease())) {
                    leases.add(p.lease());
                }
            }
        }
        return leases;
    }

    private static ByteSequence prefixStartOrKey(String key, boolean prefix) {
        return prefix ? prefixStart(key) : key(key);
    }
}
