package dev.flotilla.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;

import dev.flotilla.api.FleetClient;

/**
 * One {@code flotilla agent} process of an {@link AgentProcessCluster}: the packaged jar run as a user runs it,
 * on its own loopback IP, with the API on a free port of that IP, its data directory ({@code <dir>/data}) and
 * its output ({@code <dir>/agent-N.out}, {@code agent-N.err} for its N-th launch) under the cluster's work
 * directory.
 *
 * <p>It can be killed with SIGKILL ({@link #kill()}: no shutdown hook runs, its lease is left to expire, its
 * units keep running), stopped with SIGTERM ({@link #stop()}: the agent closes; its units keep running for the
 * next agent) and started again on the same data directory ({@link #start()}: the same machine, which adopts
 * the units still running). The API port changes with every launch; {@link #endpoint()} is the current one.
 * Thread-safe: the methods that change the process are synchronized.
 */
final class AgentProcess {

    /** How long an agent may take to print its API line (a JVM start on a loaded machine). */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long SIGTERM may take (the agent closes its engine, API and lease keeper). */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern API_LINE = Pattern.compile("(?m)^API: (http://\\S+)$");
    private static final Pattern MACHINE_LINE = Pattern.compile("(?m)^Machine: ([0-9a-f]{32}) \\(");
    private static final int SIGKILL_EXIT = 128 + 9;

    private final AgentSpec spec;
    private final String ip;
    private final Path dir;
    private final String etcdEndpoint;
    private final Duration leaseTtl;

    private Process process; // guarded by this
    private int launches; // guarded by this
    private String endpoint; // guarded by this
    private FleetClient api; // guarded by this

    AgentProcess(AgentSpec spec, String ip, Path dir, String etcdEndpoint, Duration clusterLeaseTtl) {
        this.spec = spec;
        this.ip = ip;
        this.dir = dir;
        this.etcdEndpoint = etcdEndpoint;
        this.leaseTtl = spec.leaseTtl() != null ? spec.leaseTtl() : clusterLeaseTtl;
    }

    /** The agent's name in the test. */
    String name() {
        return spec.name();
    }

    /** Its {@code --ip}: the machine's public IP, also the API's address. */
    String ip() {
        return ip;
    }

    /** Its {@code --metadata}, as given ({@code ""} for none). */
    String metadata() {
        return spec.metadata();
    }

    /** Its {@code --lease-ttl}. */
    Duration leaseTtl() {
        return leaseTtl;
    }

    /** Its {@code --data-dir}: machine ID, lock, the exec runtime's state (its units' shims run from there). */
    Path dataDir() {
        return dir.resolve("data");
    }

    /**
     * The machine ID, as kept in the data directory (known once the agent has started the first time).
     *
     * @throws IllegalStateException when the agent never started
     */
    String machineId() {
        try {
            return Files.readString(dataDir().resolve("machine-id"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("agent " + name() + " has no machine ID yet: " + e.getMessage(), e);
        }
    }

    /** fleetctl's short form of the machine, as the CLI prints it: {@code 2aa4e35a.../127.0.5.1}. */
    String legend() {
        return machineId().substring(0, 8) + ".../" + ip;
    }

    /** The API of the current (or last) launch, {@code http://IP:PORT}. */
    synchronized String endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("agent " + name() + " has not served its API yet");
        }
        return endpoint;
    }

    /** A client of this agent's API, for cheap polling while a test waits (assertions go through the CLI). */
    synchronized FleetClient api() {
        if (api == null) {
            api = new FleetClient(URI.create(endpoint()), Duration.ofSeconds(10));
        }
        return api;
    }

    /** Whether the agent's process is alive. */
    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The agent JVM's process ID (of the current or last launch). */
    synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("agent " + name() + " was never started");
        }
        return process.pid();
    }

    /**
     * Runs {@code flotilla ARGS} with {@code FLOTILLA_ENDPOINT} set to this agent's API, in {@code workDir}
     * (where the unit files are), and returns what it printed.
     */
    CliProcess.Result cli(Path workDir, String... args) {
        // C1 only: a command lives for a second, and the tests run hundreds of them on two shared cores.
        return CliProcess.run(CliProcess.Options.defaults().in(workDir).env(Map.of("FLOTILLA_ENDPOINT", endpoint()))
                .jvm("-XX:TieredStopAtLevel=1"), args);
    }

    /** Launches the agent without waiting for it to serve; {@link #awaitServing()} waits. */
    synchronized void launch() {
        if (isAlive()) {
            throw new IllegalStateException("agent " + name() + " is already running (pid " + process.pid() + ")");
        }
        launches++;
        List<String> args = new ArrayList<>(List.of("agent", "--etcd", etcdEndpoint, "--ip", ip, "--api", ip + ":0",
                "--data-dir", dataDir().toString(), "--lease-ttl", Long.toString(leaseTtl.toSeconds())));
        if (!spec.metadata().isEmpty()) {
            args.addAll(List.of("--metadata", spec.metadata()));
        }
        // C1 only and a small heap: an agent's JVM competes for two cores with the others and the CLI's.
        List<String> command = CliProcess.command(CliProcess.Options.defaults().jvm("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                args.toArray(String[]::new));
        try {
            Files.createDirectories(dir);
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out().toFile()).redirectError(err().toFile());
            builder.environment().keySet().removeAll(CliProcess.FOREIGN_ENVIRONMENT);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start agent " + name(), e);
        }
        endpoint = null;
        closeApi();
    }

    /**
     * Waits until the agent prints its API line, and checks its Machine line against the data directory.
     *
     * @throws AssertionError when it exits first or does not serve within {@link #START_TIMEOUT} (with its output)
     */
    void awaitServing() {
        Process current;
        synchronized (this) {
            current = process;
        }
        try {
            await("agent " + name() + " serving").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .until(() -> !current.isAlive() || API_LINE.matcher(read(out())).find());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("agent " + name() + " did not print its API line within " + START_TIMEOUT.toSeconds()
                    + " s\n" + log(), e);
        }
        String printed = read(out());
        Matcher api = API_LINE.matcher(printed);
        if (!api.find()) {
            throw new AssertionError("agent " + name() + " exited with status " + current.exitValue()
                    + " before serving\n" + log());
        }
        Matcher machine = MACHINE_LINE.matcher(printed);
        if (!machine.find() || !machine.group(1).equals(machineId())) {
            throw new AssertionError("agent " + name() + " printed a machine other than its data directory's ("
                    + machineId() + ")\n" + log());
        }
        synchronized (this) {
            endpoint = api.group(1);
        }
    }

    /** Launches the agent (again, on the same data directory and IP) and waits until it serves. */
    void start() {
        launch();
        awaitServing();
    }

    /**
     * Kills the agent's JVM with SIGKILL, as a power cut or the OOM killer would: no shutdown hook runs, its lease
     * is not revoked, its units keep running. Returns once the process is gone.
     *
     * @throws AssertionError when the process did not die of SIGKILL (exit status 137)
     */
    synchronized void kill() {
        requireAlive();
        process.destroyForcibly(); // SIGKILL on Linux
        int status = waitFor(process, STOP_TIMEOUT);
        if (status != SIGKILL_EXIT) {
            throw new AssertionError("agent " + name() + " ended with status " + status + ", not by SIGKILL\n" + log());
        }
        closeApi();
    }

    /**
     * Stops the agent with SIGTERM, as Ctrl-C or systemd would, and waits until it exits. Its units keep running.
     *
     * @throws AssertionError when it does not exit within {@link #STOP_TIMEOUT} (it is then killed)
     */
    synchronized void stop() {
        requireAlive();
        process.destroy(); // SIGTERM
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                waitFor(process, STOP_TIMEOUT);
                throw new AssertionError("agent " + name() + " did not exit within " + STOP_TIMEOUT.toSeconds()
                        + " s of SIGTERM; killed\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        closeApi();
    }

    /** Freezes the agent's JVM with SIGSTOP, as a machine swapping or a JVM stuck would: it neither renews nor fences. */
    synchronized void freeze() {
        requireAlive();
        signal("STOP");
    }

    /** Lets a frozen agent's JVM run on (SIGCONT). */
    synchronized void thaw() {
        requireAlive();
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("/bin/kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Kills the agent's JVM if it still runs, without checks (cleanup). */
    synchronized void destroyForcibly() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitFor(process, STOP_TIMEOUT);
        }
        closeApi();
    }

    /** The stderr of every launch so far, oldest first (where the agent logs, e.g. {@code fences its units}). */
    synchronized String errors() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= launches; i++) {
            b.append(read(dir.resolve("agent-" + i + ".err")));
        }
        return b.toString();
    }

    /** What its exec runtime's fencing watchdogs logged ({@code <data-dir>/exec/.watchdog.log}). */
    String watchdogLog() {
        return read(dataDir().resolve("exec").resolve(".watchdog.log"));
    }

    /** Its output so far, this launch's stdout and stderr, for failure messages. */
    synchronized String log() {
        return "--- " + out() + "\n" + read(out()) + "--- " + err() + "\n" + read(err());
    }

    @Override
    public String toString() {
        return "agent " + name() + " (" + ip + ")";
    }

    private synchronized Path out() {
        return dir.resolve("agent-" + launches + ".out");
    }

    private synchronized Path err() {
        return dir.resolve("agent-" + launches + ".err");
    }

    private void requireAlive() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("agent " + name() + " is not running");
        }
    }

    private synchronized void closeApi() {
        if (api != null) {
            api.close();
            api = null;
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static int waitFor(Process process, Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("process " + process.pid() + " did not end within " + timeout.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for process " + process.pid(), e);
        }
    }
}
