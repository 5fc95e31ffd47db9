package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One line of {@code /proc/<pid>/stat}: what the runtime needs to recognise a process (its start
 * time guards against PID reuse), its state, and its place in the process tree. Immutable.
 *
 * @param pid the process ID
 * @param comm the command name (at most 15 characters)
 * @param state the state letter; {@code Z} is a zombie (exited, not yet reaped)
 * @param ppid the parent
 * @param pgrp the process group
 * @param session the session
 * @param startTime clock ticks after boot when it started
 */
record ProcStat(long pid, String comm, char state, long ppid, long pgrp, long session, long startTime) {

    private static final Path PROC = Path.of("/proc");

    /** The process's stat, or empty when it does not exist (or vanished while being read). */
    static Optional<ProcStat> read(long pid) {
        try {
            return Optional.of(parse(pid, Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"),
                    StandardCharsets.ISO_8859_1)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Every process readable now (processes that vanish while listing are skipped). */
    static List<ProcStat> all() {
        List<ProcStat> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    read(Long.parseLong(name)).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list /proc", e);
        }
        return out;
    }

    /** The PIDs of {@code roots} and all their live descendants, found in {@code table}. */
    static Set<Long> descendants(List<ProcStat> table, Set<Long> roots) {
        Map<Long, List<Long>> children = new HashMap<>();
        for (ProcStat p : table) {
            if (!p.isGone()) {
                children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p.pid());
            }
        }
        Set<Long> out = new LinkedHashSet<>();
        List<Long> todo = new ArrayList<>(roots);
        while (!todo.isEmpty()) {
            long pid = todo.removeLast();
            if (out.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return out;
    }

    static ProcStat parse(long pid, String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        String comm = line.substring(open + 1, close);
        String[] f = line.substring(close + 2).trim().split(" ");
        return new ProcStat(pid, comm, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                Long.parseLong(f[19]));
    }

    /** Whether it exited already (zombie or dead) though its entry still exists. */
    boolean isGone() {
        return state == 'Z' || state == 'X' || state == 'x';
    }
}
