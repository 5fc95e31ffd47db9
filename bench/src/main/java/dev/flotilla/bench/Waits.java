package dev.flotilla.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.flotilla.api.UnitState;

/** Polling helpers the cluster benchmarks share: they time what they wait for, so they poll rather than block. */
final class Waits {

    /** A condition polled by {@link #await}. */
    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    /** What a {@code flotilla agent} process prints once it serves: its machine ID and its API. */
    record AgentLines(String machineId, URI api) {
    }

    private static final Pattern API = Pattern.compile("^API: (http://\\S+)$", Pattern.MULTILINE);
    private static final Pattern MACHINE = Pattern.compile("^Machine: ([0-9a-f]{32}) ", Pattern.MULTILINE);

    private Waits() {
    }

    /**
     * Waits until the agent {@code process}, whose output goes to {@code log}, has printed its {@code Machine:} and
     * {@code API:} lines.
     *
     * @throws IllegalStateException when it exits first (with its output), or after {@code timeout}
     */
    static AgentLines awaitAgentLines(Duration timeout, String what, Process process, Path log) throws Exception {
        AgentLines[] found = new AgentLines[1];
        await(timeout, what, Duration.ofMillis(50), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("agent exited with " + process.exitValue() + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Matcher api = API.matcher(out);
            Matcher machine = MACHINE.matcher(out);
            if (api.find() && machine.find()) {
                found[0] = new AgentLines(machine.group(1), URI.create(api.group(1)));
                return true;
            }
            return false;
        });
        return found[0];
    }

    /**
     * Polls {@code check} every {@code poll} until it holds.
     *
     * @throws IllegalStateException when it still does not hold after {@code timeout}
     */
    static void await(Duration timeout, String what, Duration poll, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(poll);
        }
    }

    /** Whether a reported state is systemd's active/running. */
    static boolean running(UnitState s) {
        return "active".equals(s.systemdActiveState()) && "running".equals(s.systemdSubState());
    }
}
