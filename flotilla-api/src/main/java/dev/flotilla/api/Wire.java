package dev.flotilla.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The client's JSON, read and written with Jackson's streaming core rather than its data binding: the CLI
 * answers in a fraction of a second only if it loads a few dozen classes, not the hundreds data binding
 * needs. Fields are read by name and unknown ones ignored, as fleet's Go decoder did. Thread-safe.
 */
final class Wire {

    private static final JsonFactory FACTORY = new JsonFactory();

    private Wire() {
    }

    /** Thrown when a body is not JSON of the expected shape. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /** Parses {@code body} into maps, lists, strings, numbers, booleans and nulls. */
    static Object parse(byte[] body) throws MalformedException {
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new MalformedException("the body is empty");
            }
            Object value = value(p, first);
            if (p.nextToken() != null) {
                throw new MalformedException("text follows the JSON value");
            }
            return value;
        } catch (IOException e) {
            throw new MalformedException(e.getMessage());
        }
    }

    private static Object value(JsonParser p, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String name = p.currentName();
                    map.put(name, value(p, p.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    list.add(value(p, t));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + token);
        };
    }

    static Unit unit(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "Unit");
        List<UnitOption> options = new ArrayList<>();
        for (Object o : list(m.get("options"), "options")) {
            Map<String, Object> opt = object(o, "UnitOption");
            options.add(new UnitOption(required(opt, "section"), required(opt, "name"), string(opt, "value")));
        }
        return new Unit(string(m, "name"), options, string(m, "desiredState"), string(m, "currentState"),
                string(m, "machineID"), string(m, "hash"), string(m, "contents"));
    }

    static UnitState state(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "UnitState");
        return new UnitState(string(m, "name"), string(m, "hash"), string(m, "machineID"), string(m, "systemdLoadState"),
                string(m, "systemdActiveState"), string(m, "systemdSubState"), string(m, "reason"));
    }

    static Machine machine(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "Machine");
        Map<String, String> metadata = new LinkedHashMap<>();
        Object raw = m.get("metadata");
        if (raw != null) {
            for (Map.Entry<String, Object> e : object(raw, "metadata").entrySet()) {
                metadata.put(e.getKey(), e.getValue() == null ? "" : e.getValue().toString());
            }
        }
        return new Machine(string(m, "id"), string(m, "primaryIP"), metadata);
    }

    static UnitPlacement placement(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "UnitPlacement");
        List<UnitPlacement.Refusal> refusals = new ArrayList<>();
        for (Object o : list(m.get("unschedulable"), "unschedulable")) {
            Map<String, Object> r = object(o, "Refusal");
            refusals.add(new UnitPlacement.Refusal(string(r, "machineID"), string(r, "reason")));
        }
        return new UnitPlacement(string(m, "name"), string(m, "desiredState"), string(m, "machineID"), refusals);
    }

    static UnitStatus status(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "UnitStatus");
        Object pid = m.get("mainPID");
        if (pid != null && !(pid instanceof Long)) {
            throw new MalformedException("expected mainPID to be a whole number, found " + kind(pid));
        }
        Object restarts = m.get("restarts");
        if (restarts != null && !(restarts instanceof Long)) {
            throw new MalformedException("expected restarts to be a whole number, found " + kind(restarts));
        }
        List<String> limits = new ArrayList<>();
        for (Object o : list(m.get("limits"), "limits")) {
            if (!(o instanceof String line)) {
                throw new MalformedException("expected limits to hold strings, found " + kind(o));
            }
            limits.add(line);
        }
        Map<String, String> details = new LinkedHashMap<>();
        Object raw = m.get("details");
        if (raw != null) {
            for (Map.Entry<String, Object> e : object(raw, "details").entrySet()) {
                if (!(e.getValue() instanceof String text)) {
                    throw new MalformedException("expected details." + e.getKey() + " to be a string, found "
                            + kind(e.getValue()));
                }
                details.put(e.getKey(), text);
            }
        }
        return new UnitStatus(string(m, "name"), string(m, "machineID"), string(m, "hash"),
                string(m, "systemdLoadState"), string(m, "systemdActiveState"), string(m, "systemdSubState"),
                (Long) pid, string(m, "since"), string(m, "reason"), entries(m.get("recentLines"), "recentLines"),
                restarts == null ? null : Math.toIntExact((Long) restarts), string(m, "lastExit"), limits, details);
    }

    /** The entries of a journal answer {@code {"name","entries":[...]}}. */
    static List<JournalEntry> journal(Object json) throws MalformedException {
        return entries(object(json, "journal").get("entries"), "entries");
    }

    private static List<JournalEntry> entries(Object json, String what) throws MalformedException {
        List<JournalEntry> entries = new ArrayList<>();
        for (Object o : list(json, what)) {
            Map<String, Object> e = object(o, "JournalEntry");
            entries.add(new JournalEntry(string(e, "time"), string(e, "machineID"), string(e, "stream"),
                    string(e, "message")));
        }
        return entries;
    }

    static Health health(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "Health");
        return new Health(string(m, "status"), string(m, "leader"));
    }

    static KvEntry kvEntry(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "key");
        String key = string(m, "key");
        if (key == null) {
            throw new MalformedException("a key has no key");
        }
        return new KvEntry(key, string(m, "value"), number(m, "createRevision"), number(m, "modRevision"),
                number(m, "version"), m.get("ttl") == null ? null : number(m, "ttl"));
    }

    static ClusterEvent event(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "event");
        Map<String, String> fields = new LinkedHashMap<>();
        Object raw = m.get("fields");
        if (raw != null) {
            for (Map.Entry<String, Object> e : object(raw, "fields").entrySet()) {
                fields.put(e.getKey(), e.getValue() == null ? null : e.getValue().toString());
            }
        }
        String type = string(m, "type");
        if (type == null) {
            throw new MalformedException("an event has no type");
        }
        return new ClusterEvent(string(m, "id"), string(m, "time"), type, string(m, "unit"), string(m, "machine"), fields);
    }

    /** A service's endpoints, {@code {"service","revision","endpoints":[...]}}. */
    static ServiceView serviceView(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "service");
        List<ServiceEndpoint> endpoints = new ArrayList<>();
        for (Object o : list(m.get("endpoints"), "endpoints")) {
            endpoints.add(serviceEndpoint(o));
        }
        return new ServiceView(string(m, "service"), number(m, "revision"), endpoints);
    }

    static ServiceEndpoint serviceEndpoint(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "endpoint");
        List<String> tags = new ArrayList<>();
        for (Object o : list(m.get("tags"), "tags")) {
            if (!(o instanceof String tag)) {
                throw new MalformedException("expected tags to hold strings, found " + kind(o));
            }
            tags.add(tag);
        }
        return new ServiceEndpoint(string(m, "service"), string(m, "unit"), string(m, "machineId"),
                string(m, "address"), Math.toIntExact(number(m, "port")), tags, string(m, "health"), string(m, "since"),
                string(m, "output"));
    }

    /** One line of {@code GET /v1/services}: {@code {"name","endpoints","passing","warning","critical"}}. */
    static ServiceSummary serviceSummary(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "service");
        return new ServiceSummary(string(m, "name"), Math.toIntExact(number(m, "endpoints")),
                Math.toIntExact(number(m, "passing")), Math.toIntExact(number(m, "warning")),
                Math.toIntExact(number(m, "critical")));
    }

    /** The number of keys a prefix delete answered {@code {"prefix","deleted"}}. */
    static List<DevMachine> devMachines(Object json) throws MalformedException {
        List<DevMachine> machines = new ArrayList<>();
        for (Object item : list(object(json, "machines").get("machines"), "machines")) {
            machines.add(devMachine(item));
        }
        return machines;
    }

    static DevMachine devMachine(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "machine");
        Object running = m.get("running");
        return new DevMachine((int) number(m, "number"), string(m, "ip"), string(m, "machineId"),
                Boolean.TRUE.equals(running), string(m, "api"));
    }

    static List<MachineDetails> machineDetailsList(Object json) throws MalformedException {
        List<MachineDetails> machines = new ArrayList<>();
        for (Object item : list(object(json, "machines").get("machines"), "machines")) {
            machines.add(machineDetails(item));
        }
        return machines;
    }

    static MachineDetails machineDetails(Object json) throws MalformedException {
        Map<String, Object> m = object(json, "machine");
        Map<String, String> metadata = new TreeMap<>();
        if (m.get("metadata") != null) {
            for (Map.Entry<String, Object> e : object(m.get("metadata"), "metadata").entrySet()) {
                metadata.put(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        MachineDetails.Capacity capacity = null;
        if (m.get("capacity") != null) {
            Map<String, Object> c = object(m.get("capacity"), "capacity");
            capacity = new MachineDetails.Capacity(number(c, "cpuMillis"), number(c, "memoryBytes"));
        }
        MachineDetails.Draining draining = null;
        if (m.get("draining") != null) {
            Map<String, Object> d = object(m.get("draining"), "draining");
            draining = new MachineDetails.Draining(string(d, "since"), string(d, "reason"));
        }
        String id = string(m, "id");
        if (id == null) {
            throw new MalformedException("a machine has no id");
        }
        return new MachineDetails(id, string(m, "primaryIP"), string(m, "hostname"), metadata, string(m, "apiUrl"),
                capacity, string(m, "joinedAt"), draining);
    }

    static long deleted(Object json) throws MalformedException {
        return number(object(json, "deletion"), "deleted");
    }

    /** An event as the API sends it: the fields the server writes, in its order, nulls left out. */
    static String write(ClusterEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            field(g, "id", e.id());
            field(g, "time", e.time());
            field(g, "type", e.type());
            field(g, "unit", e.unit());
            field(g, "machine", e.machine());
            g.writeObjectFieldStart("fields");
            for (Map.Entry<String, String> f : e.fields().entrySet()) {
                field(g, f.getKey(), f.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException ex) {
            throw new IllegalStateException("writing to memory failed", ex);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A PUT body of {@code /v1/kv/...}: {@code {"value","ttl"}}, the TTL left out when null. */
    static byte[] writeKv(String value, Long ttlSeconds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("value", value);
            if (ttlSeconds != null) {
                g.writeNumberField("ttl", ttlSeconds);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** A POST body of {@code /v1/machines/{id}/drain}: {@code {"reason"}}. */
    static byte[] writeDrain(String reason) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("reason", reason);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** The message of fleet's error body {@code {"error":{"code","message"}}}. */
    static String errorMessage(Object json) throws MalformedException {
        Map<String, Object> error = object(object(json, "error body").get("error"), "error");
        return string(error, "message");
    }

    /** The items under {@code field} of a page. */
    static List<Object> items(Object page, String field) throws MalformedException {
        return list(object(page, "page").get(field), field);
    }

    /** A page's {@code nextPageToken}, or null. */
    static String nextPageToken(Object page) throws MalformedException {
        return string(object(page, "page"), "nextPageToken");
    }

    /** A submission as fleet's PUT body; null fields are left out. */
    static byte[] write(Unit unit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            field(g, "name", unit.name());
            if (!unit.options().isEmpty()) {
                g.writeArrayFieldStart("options");
                for (UnitOption o : unit.options()) {
                    g.writeStartObject();
                    g.writeStringField("section", o.section());
                    g.writeStringField("name", o.name());
                    g.writeStringField("value", o.value());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            field(g, "desiredState", unit.desiredState());
            field(g, "currentState", unit.currentState());
            field(g, "machineID", unit.machineID());
            field(g, "hash", unit.hash());
            field(g, "contents", unit.contents());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    private static void field(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object json, String what) throws MalformedException {
        if (json instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new MalformedException("expected a " + what + " object, found " + kind(json));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object json, String what) throws MalformedException {
        if (json == null) {
            return List.of();
        }
        if (json instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new MalformedException("expected " + what + " to be an array, found " + kind(json));
    }

    private static String string(Map<String, Object> m, String field) throws MalformedException {
        Object v = m.get(field);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new MalformedException("expected " + field + " to be a string, found " + kind(v));
    }

    private static long number(Map<String, Object> m, String field) throws MalformedException {
        Object v = m.get(field);
        if (v instanceof Long n) {
            return n;
        }
        throw new MalformedException("expected " + field + " to be a whole number, found " + kind(v));
    }

    private static String required(Map<String, Object> m, String field) throws MalformedException {
        String v = string(m, field);
        if (v == null) {
            throw new MalformedException("a unit option has no " + field);
        }
        return v;
    }

    private static String kind(Object json) {
        return json == null ? "null" : json instanceof String ? "a string" : json instanceof List ? "an array"
                : json instanceof Map ? "an object" : "a " + json.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
