package dev.flotilla.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Flotilla extension, {@code GET /v1/events}: one thing that happened in the cluster, as the agent serving the
 * stream saw it (docs/observability.md lists every type and its fields). Immutable.
 *
 * @param id where the event is in the stream: {@code REVISION-INDEX}, the store revision of the change and the
 *     event's place among that revision's events; pass it back as {@code Last-Event-ID} to resume after it. Null
 *     for {@link #GAP} notices, which are not part of the stream
 * @param time when the serving agent saw the change (ISO-8601 UTC)
 * @param type what happened: one of {@link #TYPES}, or {@link #GAP}
 * @param unit the unit the event is about; null for machine and leader events
 * @param machine the machine it is about (for a move, the machine the unit went to); null when none
 * @param fields the details, every value text: {@code reason}, {@code ip}, {@code from}, {@code active}, ...
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterEvent(String id, String time, String type, String unit, String machine, Map<String, String> fields) {

    /** A unit was submitted (created). */
    public static final String SUBMITTED = "submitted";
    /** A unit's contents were replaced ({@code --replace}). */
    public static final String REPLACED = "replaced";
    /** A unit's desired state changed ({@code start}, {@code stop}, {@code load}, {@code unload}). */
    public static final String DESIRED = "desired";
    /** A unit was destroyed. */
    public static final String DESTROYED = "destroyed";
    /** The engine placed a unit that had no machine. */
    public static final String ASSIGNED = "assigned";
    /** The engine moved a unit from one machine to another. */
    public static final String MOVED = "moved";
    /** A unit's placement was removed. */
    public static final String UNASSIGNED = "unassigned";
    /** The engine recorded why a unit fits on no machine. */
    public static final String UNSCHEDULABLE = "unschedulable";
    /** A machine reported a new state of a unit. */
    public static final String STATE = "state";
    /** A unit's state on a machine is gone (unloaded there, destroyed, or the machine left). */
    public static final String STATE_REMOVED = "state-removed";
    /**
     * A service endpoint changed: field {@code change} says {@code registered} (its unit became active), {@code
     * health-changed} (with {@code previous}) or {@code deregistered} (its unit stopped, or its machine left).
     */
    public static final String ENDPOINT = "endpoint";
    /** A machine joined the cluster. */
    public static final String MACHINE_JOINED = "machine-joined";
    /** A machine left the cluster (its lease expired or was revoked). */
    public static final String MACHINE_LEFT = "machine-left";
    /** A machine was drained (field {@code reason}): the engine moves its units away and places nothing new there. */
    public static final String MACHINE_DRAINED = "machine-drained";
    /** A machine's drain ended: it may take units again. */
    public static final String MACHINE_UNDRAINED = "machine-undrained";
    /** An engine leader was elected. */
    public static final String LEADER_ELECTED = "leader-elected";
    /** The engine leader resigned or died; nobody leads until the next election. */
    public static final String LEADER_GONE = "leader-gone";
    /**
     * Not an event of the cluster: the stream says that events were missed here (the agent no longer keeps
     * them, or it lost its view of the store and read it again). Carries no {@link #id}.
     */
    public static final String GAP = "gap";

    /** Every type of event the stream carries ({@link #GAP} aside). */
    public static final Set<String> TYPES = Set.of(SUBMITTED, REPLACED, DESIRED, DESTROYED, ASSIGNED, MOVED, UNASSIGNED,
            UNSCHEDULABLE, STATE, STATE_REMOVED, ENDPOINT, MACHINE_JOINED, MACHINE_LEFT, MACHINE_DRAINED, MACHINE_UNDRAINED, LEADER_ELECTED,
            LEADER_GONE);

    /** Copies the fields, keeping their order (missing reads as none). */
    public ClusterEvent {
        fields = fields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The event as the API's JSON, on one line. */
    public String toJson() {
        return Wire.write(this);
    }

    /** The field's value, or null. */
    public String field(String name) {
        return fields.get(name);
    }
}
