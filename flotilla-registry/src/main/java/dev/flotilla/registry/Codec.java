package dev.flotilla.registry;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.flotilla.registry.KeyLayout.RegistryKey;
import dev.flotilla.store.KeyValue;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/**
 * The JSON form of every record, through small wire records whose field names are the stored ones
 * (docs/key-layout.md lists them): renaming a domain component never changes what is stored.
 * Encoding is deterministic (fields in declaration order, maps sorted, absent optionals omitted),
 * so that an unchanged record is an unchanged value: that is what lets writers skip unchanged
 * writes by comparing bytes. Unknown fields are ignored on reading, so newer writers may add some.
 * Thread-safe.
 */
final class Codec {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    private Codec() {
    }

    /** A stored value that cannot be read as the record its key promises. */
    static final class MalformedValueException extends RuntimeException {
        MalformedValueException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    record MachineJson(String id, String publicIp, Map<String, String> metadata, String apiUrl, String hostname,
            CapacityJson capacity, String joinedAt) { }

    record CapacityJson(long cpuMillis, long memoryBytes) { }

    record UnitJson(String name, String hash, String desiredState, String contents) { }

    record GlobalUnitJson(String name, String hash, String desiredState) { }

    record ScheduleJson(String unit, String machineId, String desiredState, String hash, String reason) { }

    record StateJson(String unit, String hash, String machineId, String loadState, String activeState,
            String subState, Long mainPid, String since, String reason) { }

    record UnschedulableJson(String unit, List<ReasonJson> reasons) { }

    record ReasonJson(String machineId, String reason) { }

    record DrainJson(String machineId, String since, String reason) { }

    record LeaderJson(String machineId, String since) { }

    record EndpointJson(String service, String unit, String machineId, String address, Integer port,
            List<String> tags, String health, String since, String output) { }

    static byte[] encode(Machine m) {
        return write(new MachineJson(m.id().value(), m.publicIp(), m.metadata(), m.apiUrl(), m.hostname(),
                m.capacity().map(c -> new CapacityJson(c.cpuMillis(), c.memoryBytes())).orElse(null),
                m.joinedAt().toString()));
    }

    static byte[] encode(UnitRecord u) {
        return write(new UnitJson(u.name().name(), u.hash().hex(), u.desiredState().fleetName(), u.contents()));
    }

    static byte[] encode(GlobalUnitEntry g) {
        return write(new GlobalUnitJson(g.unit().name(), g.hash().hex(), g.desiredState().fleetName()));
    }

    static byte[] encode(ScheduleEntry s) {
        return encode(s, Optional.empty());
    }

    /** The entry with the engine's reason for placing it there ({@code machine 2aa4e35a is gone}), if any. */
    static byte[] encode(ScheduleEntry s, Optional<String> reason) {
        return write(new ScheduleJson(s.unit().name(), s.machineId().value(), s.desiredState().fleetName(),
                s.hash().hex(), reason.orElse(null)));
    }

    static byte[] encode(UnitStateRecord s) {
        return write(new StateJson(s.unit().name(), s.hash().hex(), s.machineId().value(), s.loadState(),
                s.activeState(), s.subState(), s.mainPid().isPresent() ? s.mainPid().getAsLong() : null,
                s.since().toString(), s.reason().orElse(null)));
    }

    static byte[] encode(UnschedulableRecord u) {
        return write(new UnschedulableJson(u.unit().name(), u.reasons().stream()
                .map(r -> new ReasonJson(r.machineId().map(MachineId::value).orElse(null), r.reason()))
                .toList()));
    }

    static byte[] encode(ServiceEndpoint e) {
        return write(new EndpointJson(e.service(), e.unit().name(), e.machineId().value(), e.address(), e.port(),
                e.tags(), e.health().wireName(), e.since().toString(), e.output().orElse(null)));
    }

    static byte[] encode(Drain d) {
        return write(new DrainJson(d.machineId().value(), d.since().toString(), d.reason()));
    }

    static byte[] encodeLeader(MachineId machineId, Instant since) {
        return write(new LeaderJson(machineId.value(), since.toString()));
    }

    static Machine machine(KeyValue kv, MachineId expected) {
        return decode(kv, MachineJson.class, j -> {
            Machine m = new Machine(same(expected, new MachineId(j.id()), kv), j.publicIp(),
                    new TreeMap<>(j.metadata() == null ? Map.of() : j.metadata()), j.apiUrl(), j.hostname(),
                    Optional.ofNullable(j.capacity()).map(c -> new Capacity(c.cpuMillis(), c.memoryBytes())),
                    Instant.parse(j.joinedAt()));
            return m;
        });
    }

    static UnitRecord unit(KeyValue kv, UnitName expected) {
        return decode(kv, UnitJson.class, j -> new UnitRecord(same(expected, new UnitName(j.name()), kv),
                j.contents(), new ContentHash(j.hash()), DesiredState.parse(j.desiredState())));
    }

    static GlobalUnitEntry globalUnit(KeyValue kv, UnitName expected) {
        return decode(kv, GlobalUnitJson.class, j -> new GlobalUnitEntry(same(expected, new UnitName(j.name()), kv),
                new ContentHash(j.hash()), DesiredState.parse(j.desiredState())));
    }

    static ScheduleEntry schedule(KeyValue kv, UnitName expected) {
        return decode(kv, ScheduleJson.class, j -> new ScheduleEntry(same(expected, new UnitName(j.unit()), kv),
                new MachineId(j.machineId()), DesiredState.parse(j.desiredState()), new ContentHash(j.hash())));
    }

    /** The engine's reason stored with a schedule entry, if it gave one (a value that does not decode has none). */
    static Optional<String> scheduleReason(KeyValue kv) {
        try {
            return Optional.ofNullable(JSON.readValue(kv.value(), ScheduleJson.class).reason());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static UnitStateRecord state(KeyValue kv, UnitName unit, MachineId machine) {
        return decode(kv, StateJson.class, j -> new UnitStateRecord(same(unit, new UnitName(j.unit()), kv),
                new ContentHash(j.hash()), same(machine, new MachineId(j.machineId()), kv), j.loadState(),
                j.activeState(), j.subState(), j.mainPid() == null ? OptionalLong.empty() : OptionalLong.of(j.mainPid()),
                Instant.parse(j.since()), Optional.ofNullable(j.reason())));
    }

    static UnschedulableRecord unschedulable(KeyValue kv, UnitName expected) {
        return decode(kv, UnschedulableJson.class, j -> new UnschedulableRecord(
                same(expected, new UnitName(j.unit()), kv), j.reasons().stream()
                        .map(r -> new UnschedulableRecord.Reason(Optional.ofNullable(r.machineId()).map(MachineId::new),
                                r.reason()))
                        .toList()));
    }

    static ServiceEndpoint endpoint(KeyValue kv, RegistryKey.Endpoint key) {
        return decode(kv, EndpointJson.class, j -> new ServiceEndpoint(same(key.service(), j.service(), kv),
                same(key.unit(), new UnitName(j.unit()), kv), same(key.machine(), new MachineId(j.machineId()), kv),
                j.address(), Objects.requireNonNull(j.port(), "port"), j.tags() == null ? List.of() : j.tags(),
                ServiceHealth.parse(j.health()), Instant.parse(j.since()), Optional.ofNullable(j.output())));
    }

    static Drain drain(KeyValue kv, MachineId expected) {
        return decode(kv, DrainJson.class, j -> new Drain(same(expected, new MachineId(j.machineId()), kv),
                Instant.parse(j.since()), j.reason() == null ? "" : j.reason()));
    }

    static Leadership leader(KeyValue kv) {
        return decode(kv, LeaderJson.class, j -> new Leadership(new MachineId(j.machineId()), kv.lease(),
                kv.createRevision(), Instant.parse(j.since())));
    }

    private interface Reader<J, T> {
        T read(J json);
    }

    private static <J, T> T decode(KeyValue kv, Class<J> type, Reader<J, T> reader) {
        try {
            return reader.read(JSON.readValue(kv.value(), type));
        } catch (IOException | RuntimeException e) {
            throw new MalformedValueException("malformed value under " + kv.key() + ": " + e.getMessage(), e);
        }
    }

    private static <T> T same(T expected, T stored, KeyValue kv) {
        if (!expected.equals(stored)) {
            throw new IllegalArgumentException("the value names " + stored + " but its key names " + expected);
        }
        return stored;
    }

    private static byte[] write(Object json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + json.getClass().getSimpleName(), e);
        }
    }
}
