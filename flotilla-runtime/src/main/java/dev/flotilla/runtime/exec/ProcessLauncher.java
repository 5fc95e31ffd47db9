package dev.flotilla.runtime.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.flotilla.runtime.support.RecordFiles;

/**
 * Starts a unit's commands through the shim ({@code flotilla-shim.pl}, run by {@code /usr/bin/perl},
 * which every Debian-family system has): a new session per command, the unit's cgroups, a child
 * subreaper that records exits in files, output appended to a file in the unit's run directory,
 * standard input from {@code /dev/null}. Nothing connects the command to the agent's JVM, so it
 * survives the agent. The command's environment goes through a {@code 0600} file the shim reads and
 * deletes, so that variables meant for the command ({@code PERL5OPT}...) cannot steer the shim.
 * Thread-safe.
 */
final class ProcessLauncher {

    static final String SHIM_RESOURCE = "flotilla-shim.pl";
    private static final Path PERL = Path.of("/usr/bin/perl");

    private final Path shim;
    private final int prctlSyscall;

    private ProcessLauncher(Path shim, int prctlSyscall) {
        this.shim = shim;
        this.prctlSyscall = prctlSyscall;
    }

    /**
     * Writes the shim into {@code stateDir} and checks that perl is there.
     *
     * @throws IOException when perl is missing or the shim cannot be written
     */
    static ProcessLauncher install(Path stateDir) throws IOException {
        if (!Files.isExecutable(PERL)) {
            throw new IOException("the exec runtime needs " + PERL + " to supervise processes (Debian/Ubuntu: apt-get "
                    + "install perl-base); it is missing on this machine");
        }
        byte[] script;
        try (InputStream in = ProcessLauncher.class.getResourceAsStream(SHIM_RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + SHIM_RESOURCE + " is missing from the flotilla-runtime jar");
            }
            script = in.readAllBytes();
        }
        Path file = stateDir.resolve(".flotilla-shim.pl");
        RecordFiles.atomicWrite(file, new String(script, StandardCharsets.UTF_8));
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        int prctl = switch (arch) {
            case "amd64", "x86_64" -> 157;
            case "aarch64", "arm64" -> 167;
            default -> 0;
        };
        return new ProcessLauncher(file, prctl);
    }

    /**
     * Starts {@code command} with {@code args} (already expanded) as invocation {@code seq}.
     *
     * @throws IOException when the shim cannot be started (the files of the invocation are removed)
     */
    Invocation launch(Path runDir, long seq, String role, ExecCommand command, List<String> args, Map<String, String> env,
            Optional<Path> workDir, Optional<UserAccount> user, List<Path> cgroups) throws IOException {
        Path envFile = runDir.resolve(seq + ".env");
        Files.deleteIfExists(envFile);
        Files.createFile(envFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(envFile, StandardOpenOption.WRITE)) {
            for (Map.Entry<String, String> e : env.entrySet()) {
                out.write((e.getKey() + "=" + e.getValue().replace("\0", "") + "\0").getBytes(StandardCharsets.UTF_8));
            }
        }
        boolean switchUser = user.isPresent() && !command.fullPrivileges();
        List<String> argv = new ArrayList<>(List.of(PERL.toString(), "--", shim.toString(), runDir.toString(),
                Long.toString(seq), Integer.toString(prctlSyscall),
                switchUser ? Long.toString(user.get().uid()) : "",
                switchUser ? Long.toString(user.get().gid()) : "",
                switchUser ? user.get().groups().stream().map(String::valueOf).collect(Collectors.joining(" ")) : "",
                cgroups.stream().map(d -> d.resolve("cgroup.procs").toString()).collect(Collectors.joining("\n")),
                command.argv0().equals(command.path()) ? "" : command.argv0(), command.path()));
        argv.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        workDir.ifPresent(d -> pb.directory(d.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.resolve(seq + ".out").toFile()));
        pb.redirectErrorStream(true);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            Files.deleteIfExists(envFile);
            throw e;
        }
        long start = ProcStat.read(process.pid()).map(ProcStat::startTime).orElse(0L);
        Invocation inv = new Invocation(runDir, seq, role, command.describe(), command.identifier(),
                new ProcessIdentity(process.pid(), start), Optional.of(process));
        inv.save();
        return inv;
    }
}
