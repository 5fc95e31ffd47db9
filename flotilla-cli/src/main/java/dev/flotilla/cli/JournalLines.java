package dev.flotilla.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import dev.flotilla.api.JournalEntry;

/** How {@code status} and {@code journal} print a journal line: journalctl's short format, times in UTC. */
final class JournalLines {

    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private JournalLines() {
    }

    /** {@code Nov 25 16:30:01 2aa4e35a... web@01.service[stdout]: hello}. */
    static String format(String unit, JournalEntry e) {
        String machine = e.machineID() == null ? "-" : MachineLegends.shortId(e.machineID());
        return time(e.time(), SHORT) + " " + machine + " " + unit + "[" + (e.stream() == null ? "-" : e.stream())
                + "]: " + (e.message() == null ? "" : e.message());
    }

    /** An ISO-8601 instant as {@code systemctl status} shows it: {@code Wed 2026-11-25 16:30:01 UTC}. */
    static String since(String iso) {
        return time(iso, SINCE);
    }

    private static String time(String iso, DateTimeFormatter format) {
        if (iso == null) {
            return "-";
        }
        try {
            return format.format(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }
}
