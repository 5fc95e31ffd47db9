package dev.flotilla.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's heartbeat file, {@code <data-dir>/heartbeat}: the dead man's switch between an agent
 * and the fencing watchdogs of its runtimes ({@link Runtime#armWatchdog}). The agent rewrites it
 * after every lease keep-alive that succeeded; a watchdog, a process of its own that outlives the
 * agent, stops the runtime's units once {@link #fenceAt()} has passed without a newer heartbeat.
 * So a machine whose agent died (kill -9, OOM killer) stops its units by the time its lease may
 * expire and the cluster may start them elsewhere. See docs/agent.md, "Fencing a dead agent's units".
 *
 * <p>Times are seconds of the kernel's {@code CLOCK_BOOTTIME}, as the first field of
 * {@code /proc/uptime} shows them: one clock every process of the machine reads alike, which the
 * wall clock's steps do not move and which keeps counting while the machine is suspended (etcd's
 * lease does too). A heartbeat of another boot (its {@code boot} differs) is void. The file is one
 * line, written atomically (rename), then a comment line with the same instants on the wall clock
 * for people:
 *
 * <pre>
 * flotilla-heartbeat 1 boot=3f0c... held=1234.567 fence=1234.317 poll=0.100 linger=10.000 agent=4242
 * # lease held until 2026-11-25T15:35:08.308Z; units fenced from 2026-11-25T15:35:08.058Z
 * </pre>
 *
 * @param bootId   the kernel's boot ID ({@code /proc/sys/kernel/random/boot_id}) when written
 * @param heldUntil until when the agent's lease is surely held: the send time of its last
 *                 keep-alive that succeeded plus the TTL; the earliest moment the cluster may take
 *                 the machine for dead
 * @param fenceAt  from when the watchdog stops the units (a little before {@code heldUntil}; later
 *                 while a living agent is stopping them itself; 0 to fence at once)
 * @param poll     how often the watchdog reads the file, in seconds
 * @param linger   how long the watchdog stays once {@code fenceAt} has passed and nothing of the
 *                 units runs, in seconds; then it exits (the agent arms a new one when it is back)
 * @param agentPid the agent's process ID, for people and logs
 */
public record Heartbeat(String bootId, double heldUntil, double fenceAt, double poll, double linger, long agentPid) {

    /** The file name in the agent's data directory. */
    public static final String FILE = "heartbeat";
    /** What a watchdog appends to the heartbeat's path for the marker it leaves when it fenced. */
    public static final String FENCED_SUFFIX = ".fenced";

    private static final Path UPTIME = Path.of("/proc/uptime");
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final Pattern LINE = Pattern.compile("^flotilla-heartbeat 1 boot=(\\S+) held=([0-9.]+) fence=([0-9.]+)"
            + " poll=([0-9.]+) linger=([0-9.]+) agent=(\\d+)");

    /**
     * A heartbeat written now: the lease is held for {@code heldFor} more, the units are fenced in
     * {@code fenceIn} (negative durations: in the past).
     */
    public static Heartbeat of(Duration heldFor, Duration fenceIn, Duration poll, Duration linger) {
        double now = now();
        return new Heartbeat(currentBootId(), Math.max(0, now + seconds(heldFor)), Math.max(0, now + seconds(fenceIn)),
                seconds(poll), seconds(linger), ProcessHandle.current().pid());
    }

    /** The marker a watchdog writes next to {@code heartbeat} when it has fenced units. */
    public static Path fencedMarker(Path heartbeat) {
        return heartbeat.resolveSibling(heartbeat.getFileName() + FENCED_SUFFIX);
    }

    /**
     * Reads a heartbeat; empty when the file is missing, does not parse, or was written in another boot.
     *
     * @throws UncheckedIOException when the file exists but cannot be read
     */
    public static Optional<Heartbeat> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Matcher m = LINE.matcher(text);
        if (!m.find() || !m.group(1).equals(currentBootId())) {
            return Optional.empty();
        }
        return Optional.of(new Heartbeat(m.group(1), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Long.parseLong(m.group(6))));
    }

    /**
     * Writes the heartbeat to {@code file} atomically (a temporary file renamed over it).
     *
     * @throws IOException when it cannot be written
     */
    public void write(Path file) throws IOException {
        double now = now();
        Instant wall = Instant.now();
        String text = String.format(Locale.ROOT, "flotilla-heartbeat 1 boot=%s held=%.3f fence=%.3f poll=%.3f linger=%.3f"
                + " agent=%d%n# lease held until %s; units fenced from %s%n", bootId, heldUntil, fenceAt, poll, linger,
                agentPid, wall.plus(between(now, heldUntil)), wall.plus(between(now, fenceAt)));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** How long the lease is still surely held from now (negative once past). */
    public Duration heldFor() {
        return between(now(), heldUntil);
    }

    /** How long until the watchdog fences (negative once past). */
    public Duration fenceIn() {
        return between(now(), fenceAt);
    }

    /**
     * The machine's {@code CLOCK_BOOTTIME} in seconds, from {@code /proc/uptime} (10 ms resolution).
     *
     * @throws UncheckedIOException when {@code /proc/uptime} cannot be read (not Linux)
     */
    public static double now() {
        try {
            String line = Files.readString(UPTIME, StandardCharsets.US_ASCII);
            return Double.parseDouble(line.substring(0, line.indexOf(' ')));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + UPTIME + " (the heartbeat needs Linux)", e);
        }
    }

    /** The kernel's boot ID, or {@code unknown}. */
    public static String currentBootId() {
        try {
            return Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static Duration between(double from, double to) {
        return Duration.ofNanos(Math.round((to - from) * 1e9));
    }
}
