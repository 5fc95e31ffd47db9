package dev.flotilla.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.Machine;
import dev.flotilla.api.ServiceEndpoint;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitState;
import dev.flotilla.daemon.DaemonStartException;
import dev.flotilla.daemon.DevCluster;
import dev.flotilla.server.ApiSettings;
import dev.flotilla.unit.UnitName;

/**
 * Runs {@code flotilla demo}: a fresh data directory, a four-machine {@link DevCluster}, the world app's exec units
 * rendered for this host (this JDK, world.jar, a launcher for this CLI's jar, generated passwords in a mode-0600
 * env file that the units' {@code EnvironmentFile=} names), submitted and started through the first machine's API;
 * then one line per change while they come up, the addresses, what to try, and a wait for Ctrl-C, which stops every
 * unit (MariaDB shuts down on SIGTERM) and every machine.
 *
 * <p>The load balancer is pinned to machine 1 ({@code MachineMetadata=machine=1}), whose API the printed commands
 * use too, so that its address stays valid while the user stops other machines.
 */
final class Demo {

    static final int MACHINES = 4;
    static final int WEB_INSTANCES = 10;
    private static final String ETC_ENV_FILE = "EnvironmentFile=-/etc/flotilla/world.env";
    /** The docker web unit's: without {@code -}, since a container cannot start without its passwords. */
    private static final String ETC_ENV_FILE_REQUIRED = "EnvironmentFile=/etc/flotilla/world.env";
    private static final String DOCKER_SOCKET = "/var/run/docker.sock";
    private static final String MARKER = ".flotilla-demo";

    private final DemoCommand options;
    private final PrintStream out = System.out;
    private final long startNanos = System.nanoTime();

    private Demo(DemoCommand options) {
        this.options = options;
    }

    static int run(DemoCommand options) {
        DaemonLauncher.quietLibraries();
        DaemonLauncher.logFormat(options.log.chosen());
        DaemonLauncher.port(Integer.toString(options.apiPort), "--api-port");
        if (options.lbPort < 1 || options.lbPort > 65535) {
            throw new CliException(ExitCodes.USAGE, "--lb-port needs a port between 1 and 65535; got " + options.lbPort);
        }
        if (options.webImage != null && !options.docker) {
            throw new CliException(ExitCodes.USAGE, "--web-image " + options.webImage + " needs --docker");
        }
        if (options.docker && System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of(DOCKER_SOCKET))) {
            throw new CliException(ExitCodes.USAGE, "--docker needs a Docker engine on this machine: there is no socket "
                    + DOCKER_SOCKET + " (is dockerd running? set DOCKER_HOST if it listens elsewhere)");
        }
        return new Demo(options).run();
    }

    private int run() {
        Path world = (options.worldDir != null ? options.worldDir : defaultWorldDir()).toAbsolutePath().normalize();
        Path worldJar = world.resolve("target/world.jar");
        Path units = world.resolve("units/exec");
        if (!Files.isRegularFile(worldJar)) {
            throw new CliException(ExitCodes.USAGE, "no world.jar at " + worldJar + ": build it with ./mvnw -pl "
                    + "examples/world -am package -DskipTests (bin/flotilla demo does), or pass --world-dir");
        }
        if (!Files.isDirectory(units)) {
            throw new CliException(ExitCodes.USAGE, "no unit files at " + units + " (--world-dir)");
        }
        if (options.docker && !Files.isRegularFile(world.resolve("units/docker/web@.container"))) {
            throw new CliException(ExitCodes.USAGE, "no unit file " + world.resolve("units/docker/web@.container")
                    + " for --docker (--world-dir)");
        }
        if (options.sql != null && !Files.isReadable(options.sql)) {
            throw new CliException(ExitCodes.USAGE, "--sql " + options.sql + ": no such readable file");
        }
        Path data = options.dataDir.toAbsolutePath().normalize();
        FileLock lock = freshDataDir(data);
        Path envFile = data.resolve("world.env");
        writeLauncher(data.resolve("bin/flotilla"));
        writeEnvFile(envFile, worldJar, data);

        DevCluster cluster;
        try {
            cluster = DevCluster.start(MACHINES, data.resolve("machines"), ApiSettings.on("127.0.0.1", options.apiPort),
                    options.firstIp);
        } catch (DaemonStartException | IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping the demo: every unit (the database shuts down cleanly), then the machines...");
            out.flush();
            cluster.close();
            out.println("Stopped.");
            out.flush();
            try {
                lock.release();
            } catch (IOException e) {
                // The process exits now; the lock goes with it.
            }
        }, "flotilla-demo-shutdown"));
        String api = cluster.machines().getFirst().apiUrl().toString();
        String lb = "http://" + options.firstIp + ":" + options.lbPort;
        try (FleetClient client = new FleetClient(URI.create(api), Duration.ofSeconds(30))) {
            say("Cluster of " + MACHINES + " machines is up (" + options.firstIp + " and the next " + (MACHINES - 1)
                    + "); submitting the world app");
            submit(client, world, envFile);
            String stopTip = watchUntilReady(client, lb);
            out.println();
            out.println("Load balancer: " + lb);
            out.println("API: " + api);
            out.println("Dashboard: " + api + "/ui");
            out.println();
            out.println("Try:");
            out.println("  export FLOTILLA_ENDPOINT=" + api);
            out.println("  bin/flotilla list-units");
            out.println("  bin/flotilla journal web@01." + webType());
            out.println("  bin/flotilla services web");
            out.println("  curl " + lb + "/home");
            out.println("  curl '" + lb + "/world?country=NLD'");
            out.println("  " + stopTip);
            out.println("Ctrl-C stops everything.");
            out.flush();
        } catch (ApiException e) {
            throw new CliException(ExitCodes.INTERNAL, "the demo's cluster refused: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERNAL;
        }
        DaemonLauncher.awaitShutdown(() -> { });
        return ExitCodes.OK;
    }

    private String webType() {
        return options.docker ? "container" : "service";
    }

    /**
     * Submits db, dbhelper, web@01..10 and lb, launched, each rendered for this host; with {@code --docker} the web
     * tier is {@code units/docker/web@.container} with world.jar and its lib/ mounted from {@code world/target}.
     */
    private void submit(FleetClient client, Path world, Path envFile) throws ApiException {
        Path units = world.resolve("units/exec");
        Map<String, String> rendered = new LinkedHashMap<>();
        rendered.put("db.service", render(units.resolve("db.service"), envFile));
        rendered.put("dbhelper.service", render(units.resolve("dbhelper.service"), envFile));
        String web = options.docker ? dockerWeb(world, envFile) : render(units.resolve("web@.service"), envFile);
        for (int i = 1; i <= WEB_INSTANCES; i++) {
            rendered.put(String.format("web@%02d.%s", i, webType()), web);
        }
        // Pinned to machine 1: the printed address stays valid while other machines are stopped.
        rendered.put("lb.service", render(units.resolve("lb.service"), envFile)
                + "\n[X-Fleet]\nMachineMetadata=machine=1\n");
        for (Map.Entry<String, String> unit : rendered.entrySet()) {
            UnitArgs.UnitText text = UnitArgs.check(unit.getValue(), new UnitName(unit.getKey()));
            client.putUnit(Unit.submission(unit.getKey(), text.options(), text.text(), DesiredState.LAUNCHED));
        }
    }

    /** units/docker/web@.container with the demo's env file, world.jar and lib/ of world/target, and --web-image. */
    private String dockerWeb(Path world, Path envFile) {
        String text = render(world.resolve("units/docker/web@.container"), envFile);
        Map<String, String> replaced = new LinkedHashMap<>();
        replaced.put("Volume=/opt/flotilla/world.jar:", "Volume=" + world.resolve("target/world.jar") + ":");
        replaced.put("Volume=/opt/flotilla/lib:", "Volume=" + world.resolve("target/lib") + ":");
        for (Map.Entry<String, String> r : replaced.entrySet()) {
            if (!text.contains(r.getKey())) {
                throw new CliException(ExitCodes.USAGE, "unit file " + world.resolve("units/docker/web@.container")
                        + " has no line starting " + r.getKey() + " for the demo to point at " + world.resolve("target"));
            }
            text = text.replace(r.getKey(), r.getValue());
        }
        if (options.webImage != null) {
            text = text.replaceAll("(?m)^Image=.*$", "Image=" + Matcher.quoteReplacement(options.webImage));
        }
        return text;
    }

    /** The unit file with its {@code EnvironmentFile=} pointing at the demo's env file instead of /etc's. */
    private static String render(Path file, Path envFile) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read unit file " + file + ": " + e.getMessage());
        }
        if (text.contains(ETC_ENV_FILE)) {
            return text.replace(ETC_ENV_FILE, "EnvironmentFile=-" + envFile);
        }
        if (text.contains(ETC_ENV_FILE_REQUIRED)) {
            return text.replace(ETC_ENV_FILE_REQUIRED, "EnvironmentFile=" + envFile);
        }
        throw new CliException(ExitCodes.USAGE, "unit file " + file + " has no line " + ETC_ENV_FILE
                + " for the demo to point at its own env file");
    }

    /**
     * Prints a line whenever db, dbhelper, the web tier or lb changes, until the load balancer answers {@code /home};
     * returns the tip for stopping a machine (one running web instances, not machine 1, preferably not the db's).
     */
    private String watchUntilReady(FleetClient client, String lb) throws ApiException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Map<String, String> shown = new HashMap<>();
        boolean lbAnswers = false;
        while (true) {
            Map<String, String> ips = new HashMap<>();
            for (Machine m : client.machines()) {
                ips.put(m.id(), m.primaryIP());
            }
            List<UnitState> states = client.states(null, null);
            Map<String, UnitState> byName = new HashMap<>();
            states.forEach(s -> byName.put(s.name(), s));
            List<ServiceEndpoint> webs = client.service("web").endpoints();
            long passing = webs.stream().filter(ServiceEndpoint::isPassing).count();
            long active = states.stream().filter(s -> s.name().startsWith("web@") && "active".equals(s.systemdActiveState()))
                    .count();
            show(shown, "db", unitLine(byName.get("db.service"), ips));
            String helper = unitLine(byName.get("dbhelper.service"), ips);
            if (helper.startsWith("active")) {
                helper = "loaded the data: " + cityCount(client) + " on " + ips.get(byName.get("dbhelper.service").machineID());
            }
            show(shown, "dbhelper", helper);
            show(shown, "web", active + "/" + WEB_INSTANCES + " active, " + passing + "/" + WEB_INSTANCES + " passing");
            show(shown, "lb", unitLine(byName.get("lb.service"), ips));
            if (!lbAnswers && passing > 0 && answers(http, lb + "/home")) {
                lbAnswers = true;
                show(shown, "lb ", "answering at " + lb);
            }
            // The balancer's admin server, declared as "web-lb" (tagged flotilla-lb) for the dashboard.
            boolean adminPassing = client.service("web-lb").endpoints().stream().anyMatch(ServiceEndpoint::isPassing);
            if (lbAnswers && passing == WEB_INSTANCES && adminPassing) {
                say("All " + WEB_INSTANCES + " web instances and the load balancer's admin endpoint pass their checks; ready");
                return stopTip(states, ips);
            }
            Thread.sleep(1000);
        }
    }

    private static String unitLine(UnitState state, Map<String, String> ips) {
        if (state == null) {
            return "waiting for a machine";
        }
        String where = ips.getOrDefault(state.machineID(), state.machineID());
        return state.systemdActiveState() + " (" + state.systemdSubState() + ") on " + where;
    }

    /** The count the loader printed after "Counting rows in world.city", from its journal. */
    private static String cityCount(FleetClient client) {
        try {
            List<JournalEntry> lines = client.journal("dbhelper.service", 20);
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).message().contains("Counting rows in world.city")) {
                    return lines.get(i + 1).message().strip() + " cities";
                }
            }
        } catch (ApiException e) {
            // The count is a nicety; the state line says the loader finished.
        }
        return "done";
    }

    private static String stopTip(List<UnitState> states, Map<String, String> ips) {
        String first = null;
        String db = null;
        Map<String, Integer> webs = new HashMap<>();
        for (UnitState s : states) {
            String ip = ips.get(s.machineID());
            if (s.name().equals("lb.service")) {
                first = ip;
            } else if (s.name().equals("db.service")) {
                db = ip;
            } else if (s.name().startsWith("web@")) {
                webs.merge(ip, 1, Integer::sum);
            }
        }
        String lbIp = first;
        String dbIp = db;
        String pick = webs.entrySet().stream().filter(e -> e.getKey() != null && !e.getKey().equals(lbIp))
                .sorted(Comparator.<Map.Entry<String, Integer>, Boolean>comparing(e -> e.getKey().equals(dbIp))
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        if (pick == null) {
            return "bin/flotilla dev stop-machine 2    # a machine loss; watch: bin/flotilla services web";
        }
        return "bin/flotilla dev stop-machine " + pick + "    # runs " + webs.get(pick) + " web instances: they move; "
                + "watch: bin/flotilla services web; then: bin/flotilla dev start-machine " + pick;
    }

    private static boolean answers(HttpClient http, String url) throws InterruptedException {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private void show(Map<String, String> shown, String what, String line) {
        if (!line.equals(shown.put(what, line))) {
            say(String.format("%-8s %s", what.strip(), line));
        }
    }

    private void say(String line) {
        long seconds = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
        out.printf("[%3ds] %s%n", seconds, line);
        out.flush();
    }

    /**
     * Empties {@code data} (a previous demo's; a directory that is not one and not empty is refused) and locks it
     * for this run, so that a second demo on the same directory is refused instead of deleting the first's files.
     */
    private static FileLock freshDataDir(Path data) {
        Path marker = data.resolve(MARKER);
        try {
            if (Files.isDirectory(data) && !Files.exists(marker)) {
                try (Stream<Path> entries = Files.list(data)) {
                    if (entries.findAny().isPresent()) {
                        throw new CliException(ExitCodes.USAGE, "--data-dir " + data + " is not empty and not a "
                                + "previous demo's (no " + MARKER + " in it); the demo empties its data directory, so "
                                + "give it a new or empty one");
                    }
                }
            }
            Files.createDirectories(data);
            FileChannel channel = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new CliException(ExitCodes.USAGE, "another flotilla demo is running on --data-dir " + data
                        + "; stop it (Ctrl-C) or give this one another --data-dir");
            }
            try (Stream<Path> entries = Files.list(data)) {
                for (Path entry : entries.filter(p -> !p.getFileName().toString().equals(MARKER)).toList()) {
                    deleteTree(entry);
                }
            }
            return lock;
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot prepare --data-dir " + data + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A launcher for this CLI's jar on this JDK, which lb.service runs as {@code $FLOTILLA_BIN lb ...}. */
    private static void writeLauncher(Path launcher) {
        String script = "#!/bin/sh\n# Written by flotilla demo: this CLI's jar on the JDK that ran the demo.\n"
                + "exec '" + javaBin() + "' -XX:+UseSerialGC -Xmx128m -jar '" + cliJar() + "' \"$@\"\n";
        try {
            Files.createDirectories(launcher.getParent());
            Files.writeString(launcher, script);
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot write " + launcher + ": " + e.getMessage(), e);
        }
    }

    /**
     * The units' env file (mode 0600): where the JDK, world.jar, the data and the launcher are, the load balancer's
     * port, the loader's dump, and freshly generated database passwords.
     */
    private void writeEnvFile(Path envFile, Path worldJar, Path data) {
        List<String> lines = new ArrayList<>();
        lines.add("# Written by flotilla demo for this run; the world units read it (EnvironmentFile=).");
        lines.add("WORLD_JAVA=" + javaBin());
        lines.add("WORLD_JAR=" + worldJar);
        lines.add("WORLD_DATA=" + data.resolve("world"));
        lines.add("FLOTILLA_BIN=" + data.resolve("bin/flotilla"));
        lines.add("WORLD_LB_PORT=" + options.lbPort);
        if (options.sql != null) {
            lines.add("WORLD_DBHELPER_ARGS=--sql " + options.sql.toAbsolutePath().normalize());
        }
        lines.add("WORLD_DB_ROOT_PASSWORD=" + password());
        lines.add("WORLD_DB_PASSWORD=" + password());
        try {
            Files.deleteIfExists(envFile);
            Files.createFile(envFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(envFile, lines, StandardCharsets.UTF_8);
            Files.createDirectories(data.resolve("world"));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot write " + envFile + ": " + e.getMessage(), e);
        }
    }

    private static String password() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static Path javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The jar (or classes directory) this CLI runs from. */
    private static Path cliJar() {
        try {
            return Path.of(Objects.requireNonNull(Demo.class.getProtectionDomain().getCodeSource()).getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** examples/world of the checkout this CLI was built in: flotilla-cli/target/flotilla.jar -> ../../examples/world. */
    private static Path defaultWorldDir() {
        return cliJar().toAbsolutePath().getParent().getParent().getParent().resolve("examples/world");
    }
}
