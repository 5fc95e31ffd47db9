package dev.flotilla.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.UnitStatus;
import dev.flotilla.unit.Secrets;

/**
 * What the API shows of running units with secret-looking values masked ({@link Secrets#redact}): status
 * reasons, limits and runtime details (a container's top processes show command lines), journal lines and
 * unit state reasons, and unit files as the dashboard shows them ({@code GET /v1/units/{name}/file}); the files
 * themselves ({@code GET /fleet/v1/units/{name}}) are served as submitted. Stateless.
 */
final class Redaction {

    private Redaction() {
    }

    static UnitStatus status(UnitStatus s) {
        return new UnitStatus(s.name(), s.machineID(), s.hash(), s.systemdLoadState(), s.systemdActiveState(),
                s.systemdSubState(), s.mainPID(), s.since(), Secrets.redact(s.reason()), journal(s.recentLines()),
                s.restarts(), s.lastExit(), s.limits().stream().map(Secrets::redact).toList(), details(s.details()));
    }

    /** The runtime's details (for a container: its processes' command lines too), values masked, order kept. */
    static Map<String, String> details(Map<String, String> details) {
        Map<String, String> out = new LinkedHashMap<>();
        details.forEach((k, v) -> out.put(k, Secrets.redact(v)));
        return out;
    }

    static List<JournalEntry> journal(List<JournalEntry> entries) {
        return entries.stream().map(e -> new JournalEntry(e.time(), e.machineID(), e.stream(), Secrets.redact(e.message())))
                .toList();
    }

    /**
     * A unit file for people to read ({@code GET /v1/units/{name}/file}): each line masked on its own, so that a
     * quote opened in a comment ({@code # the db's password}) cannot run on into the next lines.
     */
    static String file(String contents) {
        StringBuilder out = new StringBuilder(contents.length());
        for (String line : contents.split("(?<=\n)", -1)) {
            out.append(Secrets.redact(line));
        }
        return out.toString();
    }
}
