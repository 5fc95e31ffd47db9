package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.LimitReport;
import dev.flotilla.runtime.exec.ServiceSpec.Limit;
import dev.flotilla.runtime.exec.ServiceSpec.ResourceSettings;

/**
 * Applies a unit's {@code MemoryMax=} and {@code CPUWeight=} through cgroups, v1 or v2, whichever
 * hierarchy holds the controller on this host. Units without limits get no cgroup (the shim tracks
 * their processes). A unit's cgroups sit below the agent's own cgroup, in
 * {@code flotilla-<key>/<unit>} ({@code key} derives from the state directory, so several runtimes
 * share a host); the shim joins them before the command runs. Where a controller is missing or not
 * writable, the limit is reported as not applied with the reason, and the unit runs anyway.
 * Thread-safe: detection happens once, each unit touches only its own directories.
 */
final class Cgroups {

    private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);

    /** A controller's place: the directory under which unit cgroups go, or why there is none. */
    private record Controller(String name, boolean v2, Optional<Path> base, String problem) {}

    /** The cgroups of one unit and what became of each limit. */
    record Prepared(List<Path> dirs, List<LimitReport> reports) {
        Prepared {
            dirs = List.copyOf(dirs);
            reports = List.copyOf(reports);
        }
    }

    private final Controller memory;
    private final Controller cpu;
    private final String group;

    private Cgroups(Controller memory, Controller cpu, String group) {
        this.memory = memory;
        this.cpu = cpu;
        this.group = group;
    }

    /** Finds the memory and CPU controllers for the current process; {@code enabled=false} applies nothing. */
    static Cgroups detect(String key, boolean enabled) {
        String group = "flotilla-" + key;
        if (!enabled) {
            Controller off = new Controller("", false, Optional.empty(), "cgroups are disabled for this runtime");
            return new Cgroups(off, off, group);
        }
        List<String[]> mounts = new ArrayList<>();
        List<String> own = List.of();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (dash > 0 && dash + 3 < f.length + 1 && (f[dash + 1].equals("cgroup") || f[dash + 1].equals("cgroup2"))) {
                    mounts.add(new String[] {f[dash + 1], f[3], f[4], dash + 3 < f.length ? f[dash + 3] : ""});
                }
            }
            own = Files.readAllLines(Path.of("/proc/self/cgroup"));
        } catch (IOException e) {
            LOG.info("cgroups unavailable: {}", e.toString());
        }
        return new Cgroups(find("memory", mounts, own), find("cpu", mounts, own), group);
    }

    private static Controller find(String name, List<String[]> mounts, List<String> own) {
        for (String[] m : mounts) {
            if (m[0].equals("cgroup") && List.of(m[3].split(",")).contains(name)) {
                return place(name, false, m, ownPath(own, name));
            }
        }
        for (String[] m : mounts) {
            if (m[0].equals("cgroup2")) {
                Optional<String> path = ownPath(own, "");
                Path dir = path.map(p -> under(m, p)).orElse(Path.of(m[2]));
                try {
                    String controllers = Files.readString(dir.resolve("cgroup.controllers"));
                    if (List.of(controllers.strip().split("\\s+")).contains(name)) {
                        return place(name, true, m, path);
                    }
                } catch (IOException e) {
                    // not offered
                }
            }
        }
        return new Controller(name, false, Optional.empty(), "no cgroup " + name + " controller on this host (neither a "
                + "cgroup v1 '" + name + "' hierarchy nor cgroup v2 offering it)");
    }

    private static Controller place(String name, boolean v2, String[] mount, Optional<String> ownPath) {
        if (ownPath.isEmpty()) {
            return new Controller(name, v2, Optional.empty(), "this process is in no " + name + " cgroup");
        }
        Path base = under(mount, ownPath.get());
        return Files.isWritable(base) ? new Controller(name, v2, Optional.of(base), "")
                : new Controller(name, v2, Optional.empty(), base + " is not writable by the agent (run it as root, or "
                        + "delegate the cgroup to it)");
    }

    /** The mount point joined with {@code path} relative to the mount's root. */
    private static Path under(String[] mount, String path) {
        String root = mount[1];
        String rel = path.startsWith(root) ? path.substring(root.length()) : path;
        return Path.of(mount[2], rel.replaceAll("^/+", ""));
    }

    private static Optional<String> ownPath(List<String> procSelfCgroup, String controller) {
        for (String line : procSelfCgroup) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && (controller.isEmpty() ? f[0].equals("0") && f[1].isEmpty()
                    : List.of(f[1].split(",")).contains(controller))) {
                return Optional.of(f[2]);
            }
        }
        return Optional.empty();
    }

    /** Creates the unit's cgroups for {@code settings} and writes the limits; never throws for a host problem. */
    Prepared prepare(String unitDir, ResourceSettings settings) {
        List<Path> dirs = new ArrayList<>();
        List<LimitReport> reports = new ArrayList<>();
        settings.memory().ifPresent(l -> reports.add(apply(memory, unitDir, l, dirs)));
        settings.cpu().ifPresent(l -> reports.add(apply(cpu, unitDir, l, dirs)));
        return new Prepared(new ArrayList<>(new LinkedHashSet<>(dirs)), reports);
    }

    private LimitReport apply(Controller c, String unitDir, Limit limit, List<Path> dirs) {
        if (c.base().isEmpty()) {
            return new LimitReport(limit.key(), limit.value(), false, c.problem());
        }
        Path parent = c.base().get().resolve(group);
        Path dir = parent.resolve(unitDir);
        String file;
        String value;
        if (c.name().equals("memory")) {
            file = c.v2() ? "memory.max" : "memory.limit_in_bytes";
            value = Long.toString(limit.amount());
        } else {
            file = c.v2() ? "cpu.weight" : "cpu.shares";
            value = Long.toString(c.v2() ? limit.amount() : Math.max(2, limit.amount() * 1024 / 100));
        }
        try {
            Files.createDirectories(dir);
            if (c.v2()) {
                enable(c.base().get(), c.name());
                enable(parent, c.name());
            }
            Files.writeString(dir.resolve(file), value);
            dirs.add(dir);
            return new LimitReport(limit.key(), limit.value(), true, file + "=" + value + " in " + dir);
        } catch (IOException e) {
            return new LimitReport(limit.key(), limit.value(), false, "cannot write " + dir.resolve(file) + ": "
                    + e.getMessage() + " (cgroup " + (c.v2() ? "v2" : "v1") + ")");
        }
    }

    /** Enables {@code controller} for the children of {@code dir} (cgroup v2). */
    private static void enable(Path dir, String controller) throws IOException {
        String enabled = Files.readString(dir.resolve("cgroup.subtree_control"));
        if (!List.of(enabled.strip().split("\\s+")).contains(controller)) {
            try {
                Files.writeString(dir.resolve("cgroup.subtree_control"), "+" + controller);
            } catch (IOException e) {
                throw new IOException("cannot enable the " + controller + " controller below " + dir + " (" + e.getMessage()
                        + "); cgroup v2 allows that only where no process lives: run the agent in a delegated cgroup "
                        + "of its own, e.g. systemd's Delegate=yes with the agent in a leaf below it", e);
            }
        }
    }

    /** Removes this runtime's own parent cgroups when no unit cgroup is left in them. */
    void close() {
        for (Controller c : List.of(memory, cpu)) {
            c.base().ifPresent(b -> remove(List.of(b.resolve(group))));
        }
    }

    /** Every process in the unit's cgroups. */
    static Set<Long> members(List<Path> dirs) {
        Set<Long> out = new LinkedHashSet<>();
        for (Path d : dirs) {
            try {
                for (String line : Files.readAllLines(d.resolve("cgroup.procs"))) {
                    if (!line.isBlank()) {
                        out.add(Long.parseLong(line.strip()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // gone or unreadable: nothing to add
            }
        }
        return out;
    }

    /** How many processes the kernel's OOM killer killed in the unit's cgroups (0 when unknown). */
    static long oomKills(List<Path> dirs) {
        long total = 0;
        for (Path d : dirs) {
            for (String f : List.of("memory.oom_control", "memory.events")) {
                try {
                    for (String line : Files.readAllLines(d.resolve(f), StandardCharsets.UTF_8)) {
                        if (line.startsWith("oom_kill ")) {
                            total += Long.parseLong(line.substring(9).strip());
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    // not this version's file
                }
            }
        }
        return total;
    }

    /** Removes the unit's cgroups once empty; a busy or missing one is left alone. */
    static void remove(List<Path> dirs) {
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException e) {
                LOG.debug("cgroup {} not removed: {}", d, e.toString());
            }
        }
    }
}
