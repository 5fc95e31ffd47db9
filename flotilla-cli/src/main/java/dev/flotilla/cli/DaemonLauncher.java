package dev.flotilla.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.daemon.DaemonStartException;
import dev.flotilla.daemon.DevCluster;
import dev.flotilla.daemon.MachineDaemon;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;

/**
 * Runs {@code agent} and {@code dev}: builds the machine(s), prints where the API is, and waits for
 * Ctrl-C or SIGTERM. Loaded only by those two commands, so the fleet commands stay lean.
 */
final class DaemonLauncher {

    static final int DEFAULT_API_PORT = 7070;

    private DaemonLauncher() {
    }

    static int runAgent(AgentCommand options) {
        quietLibraries();
        Map<String, String> metadata = parseMetadata(options.metadata);
        if (options.leaseTtlSeconds < 1 || options.leaseTtlSeconds > 600) {
            throw new CliException(ExitCodes.USAGE, "--lease-ttl must be between 1 and 600 seconds; got "
                    + options.leaseTtlSeconds);
        }
        String apiHost = options.ip;
        int apiPort = DEFAULT_API_PORT;
        if (options.api != null) {
            int colon = options.api.lastIndexOf(':');
            if (colon <= 0) {
                throw new CliException(ExitCodes.USAGE, "--api must be ADDR:PORT, e.g. " + options.ip + ":"
                        + DEFAULT_API_PORT + "; got '" + options.api + "'");
            }
            apiHost = options.api.substring(0, colon);
            apiPort = port(options.api.substring(colon + 1), "--api");
        }
        Path dataDir = options.dataDir != null ? options.dataDir : defaultDataDir();
        KvStore store;
        try {
            store = KvOperations.open(options.etcd);
        } catch (StoreException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        AgentConfig config = AgentConfig.of(store, dataDir, options.ip).withMetadata(metadata)
                .withLeaseTtl(Duration.ofSeconds(options.leaseTtlSeconds));
        MachineDaemon daemon;
        try {
            daemon = MachineDaemon.start(config, apiHost, apiPort);
        } catch (DaemonStartException e) {
            store.close();
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        PrintStream out = System.out;
        out.println("Machine: " + daemon.machineId().value() + " (" + options.ip + ")");
        out.println("API: " + daemon.apiUrl());
        out.flush();
        awaitShutdown(() -> {
            daemon.close();
            store.close();
        });
        return ExitCodes.OK;
    }

    static int runDev(DevCommand options) {
        quietLibraries();
        if (options.machines < 1 || options.machines > DevCluster.MAX_MACHINES) {
            throw new CliException(ExitCodes.USAGE, "--machines must be between 1 and " + DevCluster.MAX_MACHINES
                    + "; got " + options.machines);
        }
        port(Integer.toString(options.apiPort), "--api-port");
        DevCluster cluster;
        try {
            Files.createDirectories(options.dataDir);
            cluster = DevCluster.start(options.machines, options.dataDir, options.apiPort);
            if (!cluster.awaitJoined(Duration.ofSeconds(30))) {
                cluster.close();
                throw new CliException(ExitCodes.INTERNAL, "the machines did not join within 30 s");
            }
        } catch (DaemonStartException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot use --data-dir " + options.dataDir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERNAL;
        }
        PrintStream out = System.out;
        for (MachineDaemon machine : cluster.machines()) {
            out.println("API: " + machine.apiUrl());
        }
        out.println("Dev cluster of " + options.machines + " machines is up. Try:");
        out.println("  export FLOTILLA_ENDPOINT=" + cluster.machines().getFirst().apiUrl());
        out.println("  bin/flotilla list-machines");
        out.println("Ctrl-C stops every unit and every machine.");
        out.flush();
        awaitShutdown(cluster::close);
        return ExitCodes.OK;
    }

    /** Blocks until the JVM is asked to stop, then runs {@code stop} before it exits. */
    private static void awaitShutdown(Runnable stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.run();
            } finally {
                stopped.countDown();
            }
        }, "flotilla-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> parseMetadata(List<String> pairs) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (pairs == null) {
            return metadata;
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CliException(ExitCodes.USAGE, "--metadata takes KEY=VALUE pairs separated by commas; got '"
                        + pair + "'");
            }
            metadata.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return metadata;
    }

    private static int port(String text, String option) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new CliException(ExitCodes.USAGE, option + " needs a port between 0 and 65535; got '" + text + "'");
    }

    private static Path defaultDataDir() {
        boolean root = "root".equals(System.getProperty("user.name"));
        return root ? Path.of("/var/lib/flotilla") : Path.of(System.getProperty("user.home"), ".flotilla", "agent");
    }

    /** The daemons speak up on warnings (the CLI's default is errors only), unless the user chose a level. */
    private static void quietLibraries() {
        if (System.getenv("FLOTILLA_LOG_LEVEL") == null && System.getProperty("FLOTILLA_LOG_LEVEL") == null) {
            System.setProperty("FLOTILLA_LOG_LEVEL", "WARN");
        }
    }
}
