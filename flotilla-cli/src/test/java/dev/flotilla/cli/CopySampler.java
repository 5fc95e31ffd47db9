package dev.flotilla.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Counts, in the background, the running copies of units over time: every sampling period it reads the process
 * table once (the {@code stat} of every process, the command line of the {@code sleep}s and their ancestors, as
 * {@link AgentProcessCluster#unitProcesses} finds them, but cheaply enough for a sample every 50 ms or so on a
 * loaded machine) and records, per unit process argument
 * ({@code sleep MARKER} or {@code sleep MARKER%i}), the agents its copies run under, whether that agent is alive
 * or not. So a test can assert that after a fencing window no unit ever ran twice, and show every sample when it
 * did. Times are {@link System#nanoTime()} at the start of each sample. Thread-safe.
 */
final class CopySampler implements AutoCloseable {

    /** What one look at the process table found: per unit argument, the agent of each copy. */
    record Sample(long atNanos, Map<String, List<String>> copies) {

        /** The unit arguments that ran more than once. */
        List<String> duplicates() {
            return copies.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        }
    }

    private static final Duration PERIOD = Duration.ofMillis(50);
    private static final Path PROC = Path.of("/proc");

    private final AgentProcessCluster cluster;
    private final List<String> markers;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;

    private CopySampler(AgentProcessCluster cluster, List<String> markers) {
        this.cluster = cluster;
        this.markers = List.copyOf(markers);
        this.thread = Thread.ofPlatform().daemon().name("copy-sampler").unstarted(this::run);
    }

    /** Starts sampling the units whose {@code ExecStart=/bin/sleep} argument starts with one of {@code markers}. */
    static CopySampler start(AgentProcessCluster cluster, String... markers) {
        CopySampler sampler = new CopySampler(cluster, List.of(markers));
        sampler.sample(); // one before the test acts
        sampler.thread.start();
        return sampler;
    }

    private void run() {
        while (!stopped) {
            sample();
            LockSupport.parkNanos(PERIOD.toNanos());
        }
    }

    private void sample() {
        long at = System.nanoTime();
        Map<String, List<String>> copies = new TreeMap<>();
        Map<Long, long[]> parents = new HashMap<>(); // pid -> {ppid}
        List<Long> sleeps = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String stat = read(d.resolve("stat"));
                int close = stat == null ? -1 : stat.lastIndexOf(')');
                if (close < 0) {
                    continue;
                }
                String[] f = stat.substring(close + 2).split(" ");
                if (f[0].equals("Z") || f[0].equals("X")) {
                    continue;
                }
                long pid = Long.parseLong(name);
                parents.put(pid, new long[] {Long.parseLong(f[1])});
                if (stat.substring(stat.indexOf('(') + 1, close).equals("sleep")) {
                    sleeps.add(pid);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<Long, String> commandLines = new HashMap<>();
        for (long pid : sleeps) {
            String[] args = arguments(pid, commandLines);
            if (args.length != 2 || markers.stream().noneMatch(args[1]::startsWith)) {
                continue;
            }
            copies.computeIfAbsent(args[1], k -> new ArrayList<>()).add(agentOf(pid, parents, commandLines));
        }
        samples.add(new Sample(at, copies));
    }

    /** The name of the agent under whose data directory an ancestor of {@code pid} (its supervisor) runs; "?" if none. */
    private String agentOf(long pid, Map<Long, long[]> parents, Map<Long, String> commandLines) {
        long p = pid;
        for (int depth = 0; depth < 64 && parents.containsKey(p); depth++) {
            p = parents.get(p)[0];
            String command = commandLine(p, commandLines);
            for (AgentProcess agent : cluster.agents()) {
                if (command.contains(agent.dataDir() + "/")) {
                    return agent.name();
                }
            }
        }
        return "?";
    }

    private static String[] arguments(long pid, Map<Long, String> commandLines) {
        String line = commandLine(pid, commandLines);
        return line.isEmpty() ? new String[0] : line.split("\0");
    }

    private static String commandLine(long pid, Map<Long, String> commandLines) {
        return commandLines.computeIfAbsent(pid, k -> {
            String text = read(PROC.resolve(Long.toString(k)).resolve("cmdline"));
            return text == null ? "" : text;
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null; // gone meanwhile
        }
    }

    /** How many samples were taken, and the longest time between two of them, for the test's output. */
    String coverage() {
        List<Sample> all = samples();
        long gap = 0;
        for (int i = 1; i < all.size(); i++) {
            gap = Math.max(gap, all.get(i).atNanos() - all.get(i - 1).atNanos());
        }
        return all.size() + " samples, at most " + gap / 1_000_000 + " ms apart";
    }

    /** Every sample so far, in order. */
    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The samples begun at or after {@code fromNanos} in which some unit ran more than once. */
    List<Sample> duplicatesFrom(long fromNanos) {
        return samples.stream().filter(s -> s.atNanos() >= fromNanos && !s.duplicates().isEmpty()).toList();
    }

    /** The last sample begun before {@code beforeNanos} in which the unit argument ran under {@code agent}, if any. */
    java.util.OptionalLong lastSeenOn(String argument, AgentProcess agent, long beforeNanos) {
        return samples.stream().filter(s -> s.atNanos() < beforeNanos
                && s.copies().getOrDefault(argument, List.of()).contains(agent.name()))
                .mapToLong(Sample::atNanos).max();
    }

    /**
     * The handover of the units whose copies ran under {@code from} at {@code originNanos}, in seconds after it:
     * when the last of them was last seen there, and when the last of them was first seen on another agent.
     */
    String handover(AgentProcess from, long originNanos) {
        List<String> moved = samples.stream().filter(s -> s.atNanos() < originNanos).reduce((a, b) -> b)
                .map(s -> s.copies().entrySet().stream().filter(e -> e.getValue().contains(from.name()))
                        .map(Map.Entry::getKey).toList()).orElse(List.of());
        long lastThere = Long.MIN_VALUE;
        long allElsewhere = Long.MIN_VALUE;
        for (String argument : moved) {
            long last = samples.stream().filter(s -> s.copies().getOrDefault(argument, List.of()).contains(from.name()))
                    .mapToLong(Sample::atNanos).max().orElse(originNanos);
            long first = samples.stream().filter(s -> s.atNanos() >= originNanos && s.copies()
                    .getOrDefault(argument, List.of()).stream().anyMatch(a -> !a.equals(from.name())))
                    .mapToLong(Sample::atNanos).min().orElse(Long.MAX_VALUE);
            lastThere = Math.max(lastThere, last);
            allElsewhere = Math.max(allElsewhere, first);
        }
        return String.format("%d unit(s) last seen on %s at %+.2f s, all running elsewhere from %s (%s)", moved.size(),
                from.name(), (lastThere - originNanos) / 1e9, allElsewhere == Long.MAX_VALUE ? "(not seen yet)"
                        : String.format("%+.2f s", (allElsewhere - originNanos) / 1e9), coverage());
    }

    /** The samples as lines relative to {@code originNanos}, for failure messages. */
    String describe(List<Sample> which, long originNanos) {
        return which.stream().map(s -> String.format("%+8.3f s %s", (s.atNanos() - originNanos) / 1e9, s.copies()))
                .collect(Collectors.joining("\n"));
    }

    /** Stops sampling and waits for the sampling thread. Idempotent. */
    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
