package dev.flotilla.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** Process checks for tests, through /proc (zombies count as gone, unlike {@link ProcessHandle#isAlive()}). */
public final class ProcTestSupport {

    private ProcTestSupport() {}

    /** Whether {@code pid} runs (exists and is not a zombie). */
    public static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code pid} and all its live descendants. */
    public static Set<Long> tree(long pid) {
        Set<Long> out = new LinkedHashSet<>();
        out.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> out.add(d.pid())));
        out.removeIf(p -> !alive(p));
        return out;
    }
}
