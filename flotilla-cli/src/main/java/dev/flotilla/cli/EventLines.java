package dev.flotilla.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import dev.flotilla.api.ClusterEvent;

/**
 * How {@code flotilla events} prints an event for people: one line, the time (UTC, to the second), what it is
 * about, what happened and why: {@code 2026-11-25T17:01:02Z web@01.service assigned to 2aa4e35a.../10.0.0.1
 * (least loaded)}. Stateless.
 */
final class EventLines {

    private EventLines() {
    }

    /** The line of {@code e}; machines by short ID ({@code 2aa4e35a...}) unless {@code full}. */
    static String format(ClusterEvent e, boolean full) {
        String unit = e.unit() == null ? "" : e.unit() + " ";
        String on = machine(e.machine(), e.field("ip"), full);
        String what = switch (e.type()) {
            case ClusterEvent.SUBMITTED -> "submitted (" + e.field("desiredState") + ", " + hash(e.field("hash")) + ")";
            case ClusterEvent.REPLACED -> "replaced (" + hash(e.field("previousHash")) + " -> " + hash(e.field("hash")) + ")";
            case ClusterEvent.DESIRED -> "desired state " + e.field("desiredState") + " (was " + e.field("previous") + ")";
            case ClusterEvent.DESTROYED -> "destroyed";
            case ClusterEvent.ASSIGNED -> "assigned to " + on + because(e);
            case ClusterEvent.MOVED -> "moved from " + machine(e.field("from"), e.field("fromIp"), full) + " to " + on
                    + because(e);
            case ClusterEvent.UNASSIGNED -> "unassigned from " + on + because(e);
            case ClusterEvent.UNSCHEDULABLE -> "cannot be scheduled: " + e.field("reasons");
            case ClusterEvent.STATE -> "on " + on + ": " + e.field("active") + "/" + e.field("sub")
                    + (e.field("previous") == null ? "" : " (was " + e.field("previous") + ")")
                    + (e.field("reason") == null ? "" : ": " + e.field("reason"));
            case ClusterEvent.STATE_REMOVED -> "on " + on + ": state removed";
            case ClusterEvent.ENDPOINT -> "on " + on + ": service " + e.field("service") + switch (String.valueOf(e.field("change"))) {
                case "registered" -> " registered at " + e.field("address") + ":" + e.field("port") + ", " + e.field("health");
                case "deregistered" -> " deregistered";
                default -> " " + e.field("health") + " (was " + e.field("previous") + ")";
            } + (e.field("output") == null ? "" : ": " + e.field("output"));
            case ClusterEvent.MACHINE_JOINED -> "machine " + on + " joined"
                    + (e.field("metadata") == null ? "" : " (" + e.field("metadata") + ")");
            case ClusterEvent.MACHINE_LEFT -> "machine " + on + " left";
            case ClusterEvent.MACHINE_DRAINED -> "machine " + on + " drained"
                    + (e.field("reason") == null || e.field("reason").isEmpty() ? "" : ": " + e.field("reason"));
            case ClusterEvent.MACHINE_UNDRAINED -> "machine " + on + " undrained";
            case ClusterEvent.LEADER_ELECTED -> "machine " + on + " leads the engine (term " + e.field("term") + ")";
            case ClusterEvent.LEADER_GONE -> e.machine() == null ? "the engine has no leader"
                    : "machine " + on + " no longer leads the engine";
            default -> e.type() + " " + e.fields();
        };
        return time(e.time()) + " " + unit + what;
    }

    /** {@code 2aa4e35a.../10.0.0.1}, the full ID with {@code full}, without {@code /IP} when it is not known. */
    static String machine(String id, String ip, boolean full) {
        if (id == null) {
            return "-";
        }
        String legend = full ? id : MachineLegends.shortId(id);
        return ip == null || ip.isEmpty() ? legend : legend + "/" + ip;
    }

    private static String because(ClusterEvent e) {
        return e.field("reason") == null ? "" : " (" + e.field("reason") + ")";
    }

    private static String hash(String hex) {
        return hex == null ? "-" : hex.substring(0, Math.min(7, hex.length()));
    }

    private static String time(String iso) {
        try {
            return Instant.parse(iso).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException | NullPointerException e) {
            return iso == null ? "-" : iso;
        }
    }
}
