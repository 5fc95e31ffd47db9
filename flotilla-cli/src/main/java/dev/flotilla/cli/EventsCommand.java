package dev.flotilla.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.ClusterEvent;
import dev.flotilla.api.EndpointUnreachableException;
import dev.flotilla.api.EventQuery;
import dev.flotilla.api.EventStream;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.UnauthorizedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flotilla events [-f] [--unit U] [--machine M] [--type T] [--lines N] [--json]}: what happened in the
 * cluster, as the agent behind {@code --endpoint} saw it. Without {@code -f}, the last N events it keeps, then
 * exit; with {@code -f}, those and then every new one until interrupted, reconnecting (and resuming after the
 * last event printed) when the agent goes away and comes back.
 */
@Command(name = "events", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Print what happens in the cluster: scheduling decisions, unit states, machines, the leader.",
        description = {"Every agent keeps the last 1000 events it saw. Without -f, prints the last N of them",
                "(--lines, default 20) that pass the filters and exits; with -f, keeps printing new ones until",
                "interrupted (Ctrl-C). A following command that loses the agent says so on stderr, reconnects",
                "every second, and resumes after the last event it printed (a note on stderr says when the agent",
                "no longer has the events in between: it restarted, or they are too old).",
                "One line per event (--json: the event as JSON, one per line). See docs/observability.md."},
        footer = {"", "Examples:",
                "  flotilla events -f",
                "  flotilla events --unit 'web@*' --type assigned,moved,unassigned --lines 100",
                "  flotilla events -f --machine 2aa4e35a --json"})
final class EventsCommand extends ApiCommand {

    /** How long a following command waits before reconnecting. */
    static final Duration RECONNECT = Duration.ofSeconds(1);

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until interrupted (Ctrl-C).")
    boolean follow;

    @Option(names = "--lines", paramLabel = "N", description = "Begin with the last N events the agent keeps "
            + "(default: 20; at most 1000).")
    int lines = 20;

    @Option(names = "--unit", paramLabel = "UNIT", split = ",",
            description = "Only events of these units: names (web@01 is web@01.service) or globs ('web@*').")
    List<String> units = new ArrayList<>();

    @Option(names = "--machine", paramLabel = "ID", split = ",",
            description = "Only events of these machines: an ID or its start (2aa4e35a); a move matches both machines.")
    List<String> machines = new ArrayList<>();

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "Only events of these types: submitted, replaced, desired, destroyed, assigned, moved, "
                    + "unassigned, unschedulable, state, state-removed, machine-joined, machine-left, leader-elected, "
                    + "leader-gone.")
    List<String> types = new ArrayList<>();

    @Option(names = "--json", description = "Print each event as the API's JSON, one per line.")
    boolean json;

    @Option(names = {"-l", "--full"}, description = "Show machine IDs in full.")
    boolean full;

    @Override
    int run(FleetClient client) throws ApiException {
        if (lines < 0 || lines > 1000) {
            throw new CliException(ExitCodes.USAGE, "--lines must be from 0 to 1000, not " + lines);
        }
        for (String t : types) {
            if (!ClusterEvent.TYPES.contains(t)) {
                throw new CliException(ExitCodes.USAGE, "--type " + t + " is not an event type; known: "
                        + String.join(", ", new java.util.TreeSet<>(ClusterEvent.TYPES)));
            }
        }
        EventQuery query = new EventQuery(units.stream().map(EventsCommand::unit).toList(), machines, types, lines,
                follow, null);
        if (!follow) {
            try (EventStream stream = client.events(query)) {
                print(stream);
            }
            return ExitCodes.OK;
        }
        String after = null;
        boolean lost = false;
        while (true) {
            try (EventStream stream = client.events(query.after(after))) {
                if (lost) {
                    err().println("flotilla events: reconnected to " + client.endpoint());
                    err().flush();
                    lost = false;
                }
                try {
                    print(stream);
                } finally {
                    after = stream.lastEventId() != null ? stream.lastEventId() : after;
                }
            } catch (UnauthorizedException e) {
                throw e;
            } catch (EndpointUnreachableException e) {
                if (!lost) {
                    err().println("flotilla events: lost the API at " + client.endpoint() + " (" + e.getMessage()
                            + "); reconnecting every " + RECONNECT.toSeconds() + " s");
                    err().flush();
                    lost = true;
                }
            }
            if (!lost) {
                // The agent ended the stream (it is stopping): reconnect like any other loss.
                err().println("flotilla events: the API at " + client.endpoint() + " ended the stream; reconnecting");
                err().flush();
                lost = true;
            }
            try {
                Thread.sleep(RECONNECT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.OK;
            }
        }
    }

    /** Prints every event of {@code stream} until it ends. */
    private void print(EventStream stream) throws ApiException {
        for (Optional<ClusterEvent> next = stream.next(); next.isPresent(); next = stream.next()) {
            ClusterEvent e = next.get();
            if (ClusterEvent.GAP.equals(e.type())) {
                err().println("flotilla events: " + e.field("message"));
                err().flush();
                if (!json) {
                    continue;
                }
            }
            out().println(json ? e.toJson() : EventLines.format(e, full));
            out().flush();
        }
    }

    /** A unit argument as the API wants it: a name with its type, or a glob as given. */
    private static String unit(String raw) {
        return raw.contains("*") || raw.contains("?") || raw.contains("[") ? raw : UnitArgs.name(raw);
    }
}
