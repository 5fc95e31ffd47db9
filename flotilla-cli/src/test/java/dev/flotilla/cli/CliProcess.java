package dev.flotilla.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged {@code flotilla.jar} as a separate process, the way a user's shell does
 * through bin/flotilla, and captures what it prints. The environment is the test's, minus the
 * variables that would point the CLI elsewhere or give it credentials ({@code FLOTILLA_ETCD},
 * {@code FLOTILLA_ENDPOINT}, {@code FLEETCTL_ENDPOINT}, {@code FLOTILLA_DEBUG}, {@code FLOTILLA_TOKEN}, the
 * TLS file and etcd user variables), plus what a test gives.
 */
final class CliProcess {

    /** The variables that would point the CLI elsewhere; removed from every child's environment. */
    static final List<String> FOREIGN_ENVIRONMENT = List.of("FLOTILLA_ETCD", "FLOTILLA_DEBUG", "FLOTILLA_ENDPOINT",
            "FLEETCTL_ENDPOINT", "FLOTILLA_TOKEN", "FLOTILLA_CA_FILE", "FLOTILLA_CERT_FILE", "FLOTILLA_KEY_FILE",
            "FLEETCTL_CA_FILE", "FLEETCTL_CERT_FILE", "FLEETCTL_KEY_FILE", "FLOTILLA_ETCD_USER", "FLOTILLA_ETCD_PASSWORD");

    record Result(int exitCode, String out, String err, byte[] outBytes) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /**
     * How to run it: extra environment, working directory (null: the test's) and JVM options.
     */
    record Options(Map<String, String> env, Path dir, List<String> jvm) {
        static Options defaults() {
            return new Options(Map.of(), null, List.of());
        }

        Options env(Map<String, String> more) {
            return new Options(more, dir, jvm);
        }

        Options in(Path directory) {
            return new Options(env, directory, jvm);
        }

        Options jvm(String... flags) {
            return new Options(env, dir, List.of(flags));
        }
    }

    /** A CLI process still running; {@link #await()} collects its result. */
    static final class Running {
        private final Process process;
        private final Path out;
        private final Path err;
        private final String args;

        private Running(Process process, Path out, Path err, String args) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.args = args;
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** What the process has written to stdout so far. */
        String outSoFar() {
            try {
                return Files.readString(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AssertionError("cannot read the CLI's stdout: " + e, e);
            }
        }

        /** Asks the process to stop, as Ctrl-C or a service manager would (SIGTERM). */
        void terminate() {
            process.destroy();
        }

        /** What the process has written to stderr so far. */
        String errSoFar() {
            try {
                return Files.readString(err, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AssertionError("cannot read the CLI's stderr: " + e, e);
            }
        }

        /** Waits (at most 90 s) for the process to end and returns what it printed. */
        Result await() {
            try {
                if (!process.waitFor(90, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("flotilla " + args + " did not finish in 90 s");
                }
                byte[] bytes = Files.readAllBytes(out);
                return new Result(process.exitValue(), new String(bytes, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8), bytes);
            } catch (IOException e) {
                throw new AssertionError("cannot read the CLI's output: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            } finally {
                try {
                    Files.deleteIfExists(out);
                    Files.deleteIfExists(err);
                } catch (IOException e) {
                    // Temporary files: the OS cleans up.
                }
            }
        }
    }

    private CliProcess() {
    }

    static Result run(String... args) {
        return run(Options.defaults(), args);
    }

    static Result run(Map<String, String> env, String... args) {
        return run(Options.defaults().env(env), args);
    }

    static Result run(Options options, String... args) {
        return start(options, args).await();
    }

    /** Starts the CLI and returns at once. */
    static Running start(Options options, String... args) {
        List<String> command = command(options, args);
        try {
            Path out = Files.createTempFile("flotilla-cli", ".out");
            Path err = Files.createTempFile("flotilla-cli", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (options.dir() != null) {
                builder.directory(options.dir().toFile());
            }
            builder.environment().keySet().removeAll(FOREIGN_ENVIRONMENT);
            builder.environment().putAll(options.env());
            return new Running(builder.start(), out, err, String.join(" ", args));
        } catch (IOException e) {
            throw new AssertionError("cannot run the CLI: " + e, e);
        }
    }

    /**
     * The command line that runs the packaged jar with {@code args} (the JVM, its flags, {@code -jar}), for
     * callers that manage the process themselves ({@link AgentProcessCluster}'s agents).
     */
    static List<String> command(Options options, String... args) {
        Path jar = Path.of(System.getProperty("flotilla.jar", "target/flotilla.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": the CLI tests run after 'package' (use ./mvnw verify)");
        }
        List<String> command = new ArrayList<>(List.of(System.getProperty("flotilla.java", "java"),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC"));
        command.addAll(options.jvm());
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }
}
