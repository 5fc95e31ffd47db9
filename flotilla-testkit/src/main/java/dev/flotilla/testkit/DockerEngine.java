package dev.flotilla.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine's Docker engine, for tests, driven through the {@code docker} command line: the tests
 * of the Docker runtime share the one engine {@code bin/test} makes sure runs, and tell their
 * containers apart by unique names and labels. Nothing here starts or stops the engine. Thread-safe.
 */
public final class DockerEngine {

    /** Says what to do when there is no engine; tests fail with it rather than being skipped. */
    public static final String NO_ENGINE = "no Docker engine answers: run bin/test as root (it installs docker.io and "
            + "starts dockerd when none runs), or start dockerd yourself";

    private static volatile String version;

    private DockerEngine() {
    }

    /**
     * The engine's version, checked once per JVM.
     *
     * @throws IllegalStateException with {@link #NO_ENGINE} and the CLI's answer when no engine answers
     */
    public static String require() {
        String v = version;
        if (v == null) {
            Result r = docker("version", "--format", "{{.Server.Version}}");
            if (r.status() != 0 || r.out().isBlank()) {
                throw new IllegalStateException(NO_ENGINE + " (docker version: " + r.err().strip() + ")");
            }
            v = r.out().strip();
            version = v;
        }
        return v;
    }

    /** The {@code docker} executable: {@code $DOCKER_CLI}, else the first on the PATH, else /usr/bin/docker. */
    public static String cli() {
        String configured = System.getenv("DOCKER_CLI");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "docker");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return "/usr/bin/docker";
    }

    /** What a {@code docker} command printed and how it exited. */
    public record Result(int status, String out, String err) {
        /**
         * The output when the command succeeded.
         *
         * @throws IllegalStateException naming the command and its error output otherwise
         */
        public String orThrow(String what) {
            if (status != 0) {
                throw new IllegalStateException(what + " failed (exit " + status + "): " + err.strip());
            }
            return out;
        }
    }

    /** Runs {@code docker args...} and waits (at most two minutes) for it to finish. */
    public static Result docker(String... args) {
        List<String> command = new ArrayList<>();
        command.add(cli());
        command.addAll(Arrays.asList(args));
        try {
            Path err = Files.createTempFile("flotilla-docker", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectError(err.toFile()).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(2, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    return new Result(-1, "", String.join(" ", command) + " did not finish within two minutes");
                }
                return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new Result(-1, "", "cannot run " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running docker " + String.join(" ", args), e);
        }
    }

    /** The IDs of every container (running or not) carrying label {@code key=value}. */
    public static List<String> containersLabelled(String key, String value) {
        String out = docker("ps", "-aq", "--no-trunc", "--filter", "label=" + key + "=" + value).orThrow("docker ps");
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Removes (killing first) every container carrying label {@code key=value}; for cleaning up after a test. */
    public static void removeContainersLabelled(String key, String value) {
        List<String> ids = containersLabelled(key, value);
        if (!ids.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
            args.addAll(ids);
            docker(args.toArray(String[]::new));
        }
    }

    /** {@code docker inspect --format FORMAT target}, stripped; for checks of what the engine holds. */
    public static String inspect(String target, String format) {
        return docker("inspect", "--format", format, target).orThrow("docker inspect " + target).strip();
    }

    /** Removes networks and volumes by name, ignoring those that do not exist. */
    public static void removeNetworksAndVolumes(List<String> networks, List<String> volumes) {
        for (String n : networks) {
            docker("network", "rm", n);
        }
        for (String v : volumes) {
            docker("volume", "rm", "-f", v);
        }
    }
}
